import ArgumentParser
import SNCLab
import SNCSocket

extension TimeSpanRule {
    /// The rule of `snc serve` and `snc load` durations that may be 0 (often "never").
    static let labAllowingZero = TimeSpanRule(allowsZero: true, longestSeconds: TimeLimit.longestSeconds, longestInWords: "a year")
    /// The rule of `snc serve` and `snc load` durations that must be more than 0.
    static let labMoreThanZero = TimeSpanRule(allowsZero: false, longestSeconds: TimeLimit.longestSeconds, longestInWords: "a year")

    /// Refuses `span` (if given) outside the rule as a usage error naming `option`.
    func check(_ span: TimeSpan?, option: String) throws {
        if let span, let refusal = refusal(of: span, option: option) {
            throw ValidationError(refusal)
        }
    }
}
