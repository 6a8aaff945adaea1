/// Formatting of durations and rates for people, the same way everywhere.
package enum Seconds {
    /// "0.5", "2", "1.25": at most three decimals, no trailing zeros.
    package static func format(_ value: Double) -> String {
        var text = Decimal3.format(value, digits: 3)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}

/// Fixed-point formatting without Foundation's String(format:).
package enum Decimal3 {
    /// `value` rounded to `digits` decimals ("3.142" for pi and 3).
    package static func format(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e17 else { return String(value) }
        let whole = Int64(scaled)
        let integerPart = whole / Int64(scale)
        let fraction = whole % Int64(scale)
        let sign = value < 0 && whole != 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(integerPart)" }
        var fractionText = String(fraction)
        while fractionText.count < digits { fractionText = "0" + fractionText }
        return "\(sign)\(integerPart).\(fractionText)"
    }
}
