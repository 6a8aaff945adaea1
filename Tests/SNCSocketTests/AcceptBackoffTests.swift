import Testing
import Glibc
import SNCSocket

@Suite struct AcceptBackoffTests {
    @Test func pausesDoubleFromFiveToAtMostFiveHundredMilliseconds() {
        var backoff = AcceptBackoff()
        #expect(!backoff.isActive)
        #expect(backoff.remainingMilliseconds == -1)
        var lengths: [Int] = []
        var firsts: [Bool] = []
        for _ in 0..<10 {
            firsts.append(backoff.pause())
            lengths.append(backoff.milliseconds)
        }
        #expect(lengths == [5, 10, 20, 40, 80, 160, 320, 500, 500, 500])
        #expect(firsts == [true] + Array(repeating: false, count: 9), "warn once per run of failures")
        #expect(backoff.isActive)
        #expect((1...500).contains(backoff.remainingMilliseconds))
    }

    @Test func successStartsOver() {
        var backoff = AcceptBackoff()
        backoff.pause()
        backoff.pause()
        backoff.reset()
        #expect(!backoff.isActive)
        #expect(backoff.milliseconds == 0)
        let first = backoff.pause()
        #expect(first, "the next failure is the first of a new run")
        #expect(backoff.milliseconds == 5)
    }

    @Test func aClosingConnectionWakesItButKeepsTheLevel() {
        var backoff = AcceptBackoff()
        backoff.pause()
        backoff.pause()
        backoff.pause()
        #expect(backoff.isActive)
        backoff.wake()
        #expect(!backoff.isActive)
        #expect(backoff.remainingMilliseconds == -1)
        let first = backoff.pause()
        #expect(!first)
        #expect(backoff.milliseconds == 40)
    }

    @Test func aPauseEndsOnItsOwn() {
        var backoff = AcceptBackoff()
        backoff.pause()
        let waited = ContinuousClock().measure {
            var none: [pollfd] = []
            // Bounded: 5 ms is due; give up after 200 one-millisecond sleeps.
            for _ in 0..<200 where backoff.isActive { _ = poll(&none, 0, 1) }
        }
        #expect(!backoff.isActive)
        #expect(backoff.remainingMilliseconds == -1)
        #expect(waited >= .milliseconds(4))
    }
}
