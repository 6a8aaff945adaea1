/// The longest time any serve or load option may name, and conversions
/// clamped to it. The commands refuse longer times as usage errors; the
/// clamps are the second line of defence, so that no conversion to an
/// integer (or a sum on the monotonic clock) can trap.
package enum TimeLimit {
    /// One year (365 days) in seconds.
    package static let longestSeconds: Double = 31_536_000

    /// `seconds` within 0...longestSeconds (NaN: 0).
    package static func clamped(_ seconds: Double) -> Double {
        seconds > 0 ? min(seconds, longestSeconds) : 0
    }

    /// Whole milliseconds, rounded, at least 1 (as SO_RCVTIMEO and poll(2) take them, where 0 means forever).
    package static func milliseconds(_ seconds: Double) -> Int {
        max(1, Int((clamped(seconds) * 1000).rounded()))
    }

    /// Nanoseconds, at most a year's: a monotonic clock reading plus this cannot overflow.
    package static func nanoseconds(_ seconds: Double) -> UInt64 {
        UInt64(clamped(seconds) * 1e9)
    }
}
