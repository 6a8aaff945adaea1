import SNCLab
import Testing

/// The SO_RCVTIMEO a served client's next read gets from the idle and message clocks.
@Suite struct ReceiveDeadlinesTests {
    private let second: UInt64 = 1_000_000_000

    @Test func farFromTheMessageDeadlineTheListenersIdleTimeoutStands() {
        var deadlines = ReceiveDeadlines(idleMilliseconds: 30_000, messageDeadline: 60 * second)
        // A trickler's reads, 2 s apart: no setsockopt, and every read is timed by the idle clock.
        for read in 0..<15 {
            #expect(deadlines.timeoutForNextRead(now: UInt64(read) * 2 * second) == nil)
            #expect(deadlines.expiryOfLastRead == .idle)
        }
    }

    @Test func nearTheMessageDeadlineReadsWaitOnlyForWhatIsLeft() {
        var deadlines = ReceiveDeadlines(idleMilliseconds: 30_000, messageDeadline: 60 * second)
        #expect(deadlines.timeoutForNextRead(now: 40 * second) == 20_000)
        #expect(deadlines.expiryOfLastRead == .message)
        #expect(deadlines.timeoutForNextRead(now: 58 * second + 500_000) == 2000)  // rounded up
        #expect(deadlines.timeoutForNextRead(now: 58 * second + 500_000) == nil)   // unchanged: no call
        #expect(!deadlines.messageExpired(now: 60 * second - 1))
        #expect(deadlines.messageExpired(now: 60 * second))
        #expect(deadlines.timeoutForNextRead(now: 61 * second) == 1)  // never 0, which means forever
    }

    @Test func withoutAnIdleTimeoutTheMessageDeadlineAloneTimesReads() {
        var deadlines = ReceiveDeadlines(idleMilliseconds: 0, messageDeadline: 10 * second)
        #expect(deadlines.timeoutForNextRead(now: 0) == 10_000)
        #expect(deadlines.expiryOfLastRead == .message)
        var neither = ReceiveDeadlines(idleMilliseconds: 0, messageDeadline: nil)
        #expect(neither.timeoutForNextRead(now: 0) == nil)
        #expect(!neither.messageExpired(now: .max))
        var idleOnly = ReceiveDeadlines(idleMilliseconds: 5000, messageDeadline: nil)
        #expect(idleOnly.timeoutForNextRead(now: .max) == nil)
        #expect(idleOnly.expiryOfLastRead == .idle)
    }
}
