/// Medians over the `--repeat` runs of a level, as the report gives them.
/// The median of an even count is the lower of the two middle values, so
/// it is always a value some run actually had (a sweep level, a count).
package enum RunMedian {
    package static func of<Value: Comparable>(_ values: [Value]) -> Value? {
        guard !values.isEmpty else { return nil }
        return values.sorted()[(values.count - 1) / 2]
    }

    /// The median first-trouble level: a run that found no trouble counts as
    /// above every level, so the median is nil when most runs found none.
    package static func firstTrouble(_ runs: [Int?]) -> Int? {
        guard !runs.isEmpty else { return nil }
        let sorted = runs.sorted { ($0 ?? .max) < ($1 ?? .max) }
        return sorted[(runs.count - 1) / 2]
    }
}
