/// Sizes as people type them: "1024", "64K", "64KiB", "1M", "2GiB".
///
/// K, M and G are binary multiples (1024), as dd and most networking tools
/// read them; a trailing "B" or "iB" is accepted and ignored.
package enum ByteCount {
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
