/// A length of time in seconds, as options such as `-w`, `--timeout` and
/// `--grace` take it: a decimal number of seconds ("2", "0.5", "1e1") or
/// one with ncat's unit ("500ms", "2s", "1m", "1h"), finite and not
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

    /// A length of time as typed: whatever Swift's `Double(String)` reads in
    /// full (decimals, exponents, C99 hex floats, as snc has always taken),
    /// optionally followed by one of ncat's units, `ms`, `s`, `m` or `h`
    /// (`500ms`, `2s`, `1.5m`), so ncat's users can keep typing them; NaN,
    /// infinities and negative numbers are refused.
    package init?(_ text: String) {
        let bytes = Array(text.utf8)
        let (unitLength, scale) = Self.unit(ending: bytes)
        let number = String(decoding: bytes.dropLast(unitLength), as: UTF8.self)
        // m, s and h are no hex digit or exponent letter: a unit never
        // takes the end of a number ("0x1s" is 0x1 seconds).
        guard !number.isEmpty, let value = Double(number) else { return nil }
        self.init(seconds: value * scale)
    }

    /// The unit at the end of `bytes` (ASCII, any case) and what it is in seconds.
    private static func unit(ending bytes: [UInt8]) -> (length: Int, seconds: Double) {
        func lower(_ byte: UInt8) -> UInt8 { byte | 0x20 }
        guard let last = bytes.last.map(lower) else { return (0, 1) }
        if bytes.count >= 2, last == UInt8(ascii: "s"), lower(bytes[bytes.count - 2]) == UInt8(ascii: "m") { return (2, 0.001) }
        switch last {
        case UInt8(ascii: "s"): return (1, 1)
        case UInt8(ascii: "m"): return (1, 60)
        case UInt8(ascii: "h"): return (1, 3600)
        default: return (0, 1)
        }
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
