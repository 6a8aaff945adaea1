/// A point on `MonotonicClock`, for timeouts that survive EINTR and retries.
package struct Deadline: Sendable, Equatable, Comparable {
    /// The deadline as a `MonotonicClock` reading, in nanoseconds.
    package let nanoseconds: UInt64

    /// About 142,000 years: longer waits in seconds are clamped to it, so
    /// the conversion to an integer cannot trap.
    private static let longestMilliseconds = 1 << 52

    /// The instant `nanoseconds` on `MonotonicClock`.
    package init(atNanoseconds nanoseconds: UInt64) {
        self.nanoseconds = nanoseconds
    }

    /// `milliseconds` after `start` (a `MonotonicClock` reading; default
    /// now). Negative values give a deadline that has already passed.
    package init(milliseconds: Int, after start: UInt64 = MonotonicClock.now()) {
        // Saturating both ways: 2^52 ms is more nanoseconds than UInt64 holds.
        let (product, overflow) = UInt64(milliseconds.magnitude).multipliedReportingOverflow(by: 1_000_000)
        let offset = overflow ? UInt64.max : product
        if milliseconds >= 0 {
            let (sum, late) = start.addingReportingOverflow(offset)
            nanoseconds = late ? .max : sum
        } else {
            nanoseconds = start > offset ? start - offset : 0
        }
    }

    /// `seconds` after `start`, rounded up to whole milliseconds. Huge or
    /// infinite `seconds` are clamped (see `longestMilliseconds`); NaN counts as 0.
    package init(seconds: Double, after start: UInt64 = MonotonicClock.now()) {
        let milliseconds = (seconds * 1000).rounded(.up)
        let clamped = milliseconds.isNaN ? 0 : min(max(milliseconds, -Double(Self.longestMilliseconds)), Double(Self.longestMilliseconds))
        self.init(milliseconds: Int(clamped), after: start)
    }

    package var hasPassed: Bool { MonotonicClock.now() >= nanoseconds }

    /// What is left, rounded up, as poll(2) takes it; 0 once passed.
    package var remainingMilliseconds: Int32 { MonotonicClock.milliseconds(until: nanoseconds) }

    /// The poll(2) timeout that wakes at the earliest of `deadlines`: -1
    /// (forever) when there is none, 0 when one has passed.
    package static func pollTimeout(_ deadlines: Deadline?...) -> Int32 {
        pollTimeout(deadlines)
    }

    /// The same for a list built at run time (one deadline per client).
    package static func pollTimeout(_ deadlines: [Deadline?]) -> Int32 {
        guard let earliest = deadlines.compactMap({ $0 }).min() else { return -1 }
        return earliest.remainingMilliseconds
    }

    package static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}
