/// A point on the monotonic clock, for timeouts that survive EINTR and retries.
package struct Deadline: Sendable {
    private let instant: ContinuousClock.Instant

    package init(milliseconds: Int) {
        instant = ContinuousClock.now.advanced(by: .milliseconds(milliseconds))
    }

    package init(seconds: Double) {
        instant = ContinuousClock.now.advanced(by: .milliseconds(Int((seconds * 1000).rounded(.up))))
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
