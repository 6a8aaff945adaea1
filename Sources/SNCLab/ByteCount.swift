/// Sizes as people type them: "1024", "64K", "64KiB", "1M", "2GiB".
///
/// K, M and G are binary multiples (1024), as dd and most networking tools
/// read them; a trailing "B" or "iB" is accepted and ignored.
package struct ByteCount: Sendable, Hashable {
    package let bytes: Int

    package init(bytes: Int) {
        self.bytes = bytes
    }

    /// A size as typed ("64K"); nil where `parse` finds none.
    package init?(_ text: String) {
        guard let bytes = Self.parse(text) else { return nil }
        self.bytes = bytes
    }

    /// "64M", "1K", "1000": the shortest exact form, as a person would type it.
    package var typed: String {
        for (suffix, shift) in [("G", 30), ("M", 20), ("K", 10)] where bytes != 0 && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift)\(suffix)"
        }
        return String(bytes)
    }

    package static func parse(_ text: String) -> Int? {
        var body = Substring(text.trimmedOfSpaces())
        guard !body.isEmpty else { return nil }
        var multiplier = 1
        for suffix in ["ib", "b"] where body.lowercased().hasSuffix(suffix) && body.count > suffix.count {
            body = body.dropLast(suffix.count)
            break
        }
        if let last = body.last, let factor = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30][String(last).uppercased()] {
            multiplier = factor
            body = body.dropLast()
        }
        guard let value = Int(body), value >= 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }

    /// "1.0 KiB", "64 MiB", "512 B": for reports.
    package static func describe(_ bytes: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = bytes
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) B" : "\(Decimal3.format(value, digits: 1)) \(units[unit])"
    }
}
