/// What one option allows of a `TimeSpan` beyond the parse (finite, not
/// negative): zero or not, and the longest. Every duration option words its
/// refusal the same way: "--grace must be 0 to 31536000 seconds (a year)".
package struct TimeSpanRule: Sendable {
    /// Whether 0 is a meaningful value (often "never") or a mistake.
    package let allowsZero: Bool
    /// The longest allowed, in seconds.
    package let longestSeconds: Double
    /// The longest in words for the message ("a year"), if it has a name.
    package let longestInWords: String?

    package init(allowsZero: Bool, longestSeconds: Double, longestInWords: String? = nil) {
        self.allowsZero = allowsZero
        self.longestSeconds = longestSeconds
        self.longestInWords = longestInWords
    }

    /// nil if `span` is allowed; otherwise the one-line message naming
    /// `option` and the range it takes.
    package func refusal(of span: TimeSpan, option: String) -> String? {
        if span.seconds <= longestSeconds, allowsZero || !span.isZero { return nil }
        let longest = TimeSpan(seconds: longestSeconds)?.description ?? String(longestSeconds)
        let range = allowsZero ? "0 to \(longest) seconds" : "more than 0 and at most \(longest) seconds"
        return "\(option) must be \(range)" + (longestInWords.map { " (\($0))" } ?? "")
    }
}
