import Testing
import SNCSocket

@Suite struct DeadlineTests {
    private let start: UInt64 = 1_000_000_000_000

    @Test func millisecondsCountFromTheGivenStart() {
        #expect(Deadline(milliseconds: 250, after: start).nanoseconds == start + 250_000_000)
        #expect(Deadline(milliseconds: -250, after: start).nanoseconds == start - 250_000_000)
        // Far in the past is clamped to the clock's zero, not wrapped.
        #expect(Deadline(milliseconds: -Int.max, after: start).nanoseconds == 0)
        // Far in the future is clamped, not overflowed.
        #expect(Deadline(milliseconds: .max, after: start).nanoseconds == .max)
    }

    @Test func secondsRoundUpToWholeMilliseconds() {
        #expect(Deadline(seconds: 1.5, after: start).nanoseconds == start + 1_500_000_000)
        #expect(Deadline(seconds: 0.0001, after: start).nanoseconds == start + 1_000_000)
        #expect(Deadline(seconds: .nan, after: start).nanoseconds == start)
        #expect(Deadline(seconds: .infinity, after: start).nanoseconds > start)
        #expect(Deadline(seconds: -.infinity, after: start).nanoseconds == 0)
    }

    @Test func pollTimeoutsRoundUpAndClamp() {
        #expect(MonotonicClock.milliseconds(until: start + 1, now: start) == 1)
        #expect(MonotonicClock.milliseconds(until: start + 2_000_000, now: start) == 2)
        #expect(MonotonicClock.milliseconds(until: start + 2_000_001, now: start) == 3)
        #expect(MonotonicClock.milliseconds(until: start, now: start) == 0)
        #expect(MonotonicClock.milliseconds(until: start - 5, now: start) == 0)
        #expect(MonotonicClock.milliseconds(until: .max, now: 0) == .max)
    }

    @Test func pollTimeoutWakesAtTheEarliestDeadline() {
        #expect(Deadline.pollTimeout() == -1)
        #expect(Deadline.pollTimeout(nil, nil) == -1)
        let soon = Deadline(milliseconds: 10_000)
        let later = Deadline(milliseconds: 60_000)
        #expect((9_000...10_000).contains(Deadline.pollTimeout(later, nil, soon)))
        #expect(Deadline.pollTimeout(later, Deadline(milliseconds: -1)) == 0)
        #expect(Deadline(milliseconds: -1).hasPassed)
        #expect(!soon.hasPassed)
    }
}
