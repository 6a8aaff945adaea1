/// A point on the monotonic clock, for timeouts that survive EINTR and retries.
package struct Deadline: Sendable {
    private let instant: ContinuousClock.Instant

    /// About 142,000 years: longer waits are clamped to it, so no arithmetic
    /// on a deadline (here or in `remainingMilliseconds`) can overflow.
    private static let longestMilliseconds = 1 << 52

    package init(milliseconds: Int) {
        instant = ContinuousClock.now.advanced(by: .milliseconds(min(milliseconds, Self.longestMilliseconds)))
    }

    /// Huge or infinite `seconds` are clamped (see `longestMilliseconds`); NaN counts as 0.
    package init(seconds: Double) {
        let milliseconds = (seconds * 1000).rounded(.up)
        let clamped = milliseconds.isNaN ? 0 : min(max(milliseconds, -Double(Self.longestMilliseconds)), Double(Self.longestMilliseconds))
        instant = ContinuousClock.now.advanced(by: .milliseconds(Int(clamped)))
    }

    package var hasPassed: Bool { ContinuousClock.now >= instant }

    /// What is left, rounded up, as poll(2) takes it; 0 once passed.
    package var remainingMilliseconds: Int32 {
        let left = instant - ContinuousClock.now
        if left <= .zero { return 0 }
        let (seconds, attoseconds) = left.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}
