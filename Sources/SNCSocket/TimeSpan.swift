/// A length of time in seconds, as options such as `-w`, `--timeout` and
/// `--grace` take it: a decimal number ("2", "0.5", "1e1"), finite and not
/// negative. Which lengths an option allows beyond that (zero, a longest
/// one) is that option's rule: see `TimeSpanRule`.
package struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Never NaN, infinite or negative (and never -0).
    package let seconds: Double

    /// `seconds` if it is finite and not negative; -0 counts as 0.
    package init?(seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return nil }
        // -0 == 0, but would print as "-0".
        self.seconds = seconds == 0 ? 0 : seconds
    }

    /// A whole number of seconds, for defaults written in the code.
    package static func seconds(_ whole: UInt32) -> TimeSpan {
        TimeSpan(exactly: Double(whole))
    }

    /// A number of seconds as typed: whatever Swift's `Double(String)` reads
    /// in full (decimals, exponents, C99 hex floats, as snc has always
    /// taken), except NaN, infinities and negative numbers. No unit
    /// suffixes: "2s" is refused, as nc refuses it.
    package init?(_ text: String) {
        guard let value = Double(text) else { return nil }
        self.init(seconds: value)
    }

    private init(exactly seconds: Double) {
        self.seconds = seconds
    }

    package static let zero = TimeSpan(exactly: 0)

    package var isZero: Bool { seconds == 0 }

    /// "2", "0.5", "31536000": whole seconds without a fraction, so --help
    /// shows a default as it would be typed.
    package var description: String {
        if seconds == seconds.rounded(), seconds < 1e15 { return String(Int64(seconds)) }
        return String(seconds)
    }

    package static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.seconds < rhs.seconds }
}
