/// `--sweep 10,20,50,100`: the concurrency levels to run in turn.
package struct SweepLevels: Sendable, Hashable {
    package let levels: [Int]

    /// The levels in `text`; nil where `parse` finds none.
    package init?(_ text: String) {
        guard let levels = Self.parse(text) else { return nil }
        self.levels = levels
    }

    /// Positive integers separated by commas, in the order given; nil for
    /// anything else (empty items, zero, words, duplicates are allowed and kept).
    package static func parse(_ text: String) -> [Int]? {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !items.isEmpty else { return nil }
        var levels: [Int] = []
        for item in items {
            guard let level = Int(item.trimmedOfSpaces()), level > 0 else { return nil }
            levels.append(level)
        }
        return levels
    }
}
