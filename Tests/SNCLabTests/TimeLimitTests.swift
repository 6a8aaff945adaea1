import SNCLab
import Testing

@Suite struct TimeLimitTests {
    @Test func clampsHugeAndOddTimesInsteadOfTrapping() {
        #expect(TimeLimit.milliseconds(1e300) == 31_536_000_000)
        #expect(TimeLimit.nanoseconds(1e300) == 31_536_000_000_000_000)
        #expect(TimeLimit.nanoseconds(.infinity) == 31_536_000 * 1_000_000_000)
        #expect(TimeLimit.milliseconds(.nan) == 1)
        #expect(TimeLimit.nanoseconds(-5) == 0)
    }

    @Test func keepsOrdinaryTimes() {
        #expect(TimeLimit.milliseconds(1.5) == 1500)
        #expect(TimeLimit.milliseconds(0.0001) == 1)
        #expect(TimeLimit.nanoseconds(2) == 2_000_000_000)
    }

    @Test func defaultConnectionsSaturates() {
        #expect(LoadLevel.defaultConnections(concurrency: .max) == .max)
        #expect(LoadLevel.defaultConnections(concurrency: 10) == 1000)
        #expect(LoadLevel.defaultConnections(concurrency: 2000) == 4000)
    }
}
