import Testing
import SNCForward

@Suite struct ReconnectPolicyTests {
    @Test func delaysDoubleFromOneSecondToThirty() {
        let policy = ReconnectPolicy()
        let delays = (0..<8).map { policy.delayMilliseconds(attempt: $0, jitter: 0) }
        #expect(delays == [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000])
    }

    @Test func jitterShortensByAtMostAQuarter() {
        let policy = ReconnectPolicy()
        #expect(policy.delayMilliseconds(attempt: 1, jitter: 0.5) == 1750)
        #expect(policy.delayMilliseconds(attempt: 10, jitter: 0.999) >= 22_500)
        for attempt in 0..<40 {
            let delay = policy.randomDelayMilliseconds(attempt: attempt)
            #expect(delay > 0 && delay <= 30_000)
        }
    }

    @Test func hugeAttemptCountsDoNotOverflow() {
        #expect(ReconnectPolicy().delayMilliseconds(attempt: Int.max, jitter: 0) == 30_000)
    }

    @Test func delaysAreWordedInSeconds() {
        #expect(ReconnectPolicy.describe(milliseconds: 2000) == "2 s")
        #expect(ReconnectPolicy.describe(milliseconds: 1760) == "1.8 s")
    }
}
