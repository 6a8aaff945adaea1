/// The run's IO graph as an SVG file, drawn the way Wireshark's IO Graphs
/// draws a capture: time on the x axis in 100 ms intervals, completed
/// exchanges per interval as a line, errors per interval as red bars, and
/// bytes per interval as a second line on its own scale. One panel per
/// level, all on the same time scale so levels can be compared.
package enum IOGraph {
    static let width = 1040.0
    static let panelHeight = 170.0
    static let left = 70.0
    static let right = 80.0
    static let top = 84.0
    static let gap = 46.0

    package static func svg(for report: LoadReport) -> String {
        let levels = report.levels
        let longest = max(0.1, levels.map { Double($0.ioGraph.completed.count * $0.ioGraph.intervalMilliseconds) / 1000 }.max() ?? 0.1)
        let height = top + Double(levels.count) * (panelHeight + gap) + 10
        var svg = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <title>snc load IO graph: \(escape(report.target))</title>
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(left)" y="20" font-size="15" font-weight="bold">IO graph: \(escape(report.target)), \(report.messageBytes)-byte messages, \(report.engine) engine (per \(levels.first?.ioGraph.intervalMilliseconds ?? 100) ms)</text>
        <g class="legend" transform="translate(\(left),44)">
        <line x1="0" y1="-4" x2="24" y2="-4" stroke="#1f77b4" stroke-width="2"/><text x="30" y="0">completed exchanges</text>
        <rect x="180" y="-10" width="12" height="12" fill="#d62728"/><text x="198" y="0">errors (failed clients)</text>
        <line x1="360" y1="-4" x2="384" y2="-4" stroke="#2ca02c" stroke-width="1.5" stroke-dasharray="5,3"/><text x="390" y="0">bytes (right scale)</text>
        </g>

        """
        for (index, level) in levels.enumerated() {
            svg += panel(level, y: top + Double(index) * (panelHeight + gap), longest: longest, isFirstTrouble: level.concurrency == report.firstTroubleConcurrency && !level.trouble.isEmpty)
        }
        svg += "</svg>\n"
        return svg
    }

    private static func panel(_ level: LevelReport, y: Double, longest: Double, isFirstTrouble: Bool) -> String {
        let series = level.ioGraph
        let plotWidth = width - left - right
        let interval = Double(series.intervalMilliseconds) / 1000
        let countAxis = Axis(maximum: Double(max(series.completed.max() ?? 0, series.errors.max() ?? 0, 1)))
        let maximumBytes = Double(max(series.bytes.max() ?? 0, 1))
        // The byte axis counts in the largest binary unit below the maximum, so ticks are round (256 KiB, 1 MiB).
        let units: [(Double, String)] = [(1_073_741_824, "GiB"), (1_048_576, "MiB"), (1024, "KiB")]
        let (unit, unitName) = units.first { maximumBytes >= $0.0 } ?? (1, "B")
        let byteAxis = Axis(maximum: maximumBytes / unit)
        let countScale = countAxis.top
        let byteScale = byteAxis.top * unit
        let xOf = { (seconds: Double) in left + seconds / longest * plotWidth }
        let yOf = { (value: Double, scale: Double) in y + panelHeight - value / scale * panelHeight }

        var out = "<g class=\"panel\" data-clients=\"\(level.concurrency)\">\n"
        var title = "\(level.concurrency) clients at once: \(level.completed) completed, \(level.failed) failed in \(Decimal3.format(level.seconds, digits: 2)) s"
        if !level.trouble.isEmpty { title += ": " + level.trouble.joined(separator: ", ") }
        if isFirstTrouble { title += " (trouble starts here)" }
        out += "<text x=\"\(left)\" y=\"\(fmt(y - 8))\" font-weight=\"bold\"\(level.trouble.isEmpty ? "" : " fill=\"#d62728\"")>\(escape(title))</text>\n"
        out += "<rect x=\"\(left)\" y=\"\(fmt(y))\" width=\"\(fmt(plotWidth))\" height=\"\(fmt(panelHeight))\" fill=\"#fafafa\" stroke=\"#999\"/>\n"

        // Grid: a line at each tick of the count axis; the byte axis is labelled at its own ticks.
        for value in countAxis.ticks {
            let lineY = yOf(value, countScale)
            out += "<line x1=\"\(left)\" y1=\"\(fmt(lineY))\" x2=\"\(fmt(left + plotWidth))\" y2=\"\(fmt(lineY))\" stroke=\"#e0e0e0\"/>"
            out += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(lineY + 4))\" text-anchor=\"end\">\(compact(value))</text>\n"
        }
        for value in byteAxis.ticks {
            out += "<text x=\"\(fmt(left + plotWidth + 6))\" y=\"\(fmt(yOf(value * unit, byteScale) + 4))\" fill=\"#2ca02c\">\(Seconds.format(value)) \(unitName)</text>\n"
        }
        let tick = niceStep(longest / 8)
        var second = 0.0
        while second <= longest + 1e-9 {
            out += "<text x=\"\(fmt(xOf(second)))\" y=\"\(fmt(y + panelHeight + 14))\" text-anchor=\"middle\">\(Seconds.format(second)) s</text>"
            second += tick
        }
        out += "\n<text x=\"14\" y=\"\(fmt(y + panelHeight / 2))\" transform=\"rotate(-90 14 \(fmt(y + panelHeight / 2)))\" text-anchor=\"middle\">per \(series.intervalMilliseconds) ms</text>\n"

        // Errors as bars, the way Wireshark marks TCP errors in red.
        let barWidth = max(1, interval / longest * plotWidth - 1)
        for (bucket, errors) in series.errors.enumerated() where errors > 0 {
            let top = yOf(Double(errors), countScale)
            out += "<rect class=\"errors\" x=\"\(fmt(xOf(Double(bucket) * interval)))\" y=\"\(fmt(top))\" width=\"\(fmt(barWidth))\" height=\"\(fmt(y + panelHeight - top))\" fill=\"#d62728\" opacity=\"0.8\"><title>\(errors) errors</title></rect>\n"
        }
        out += polyline(series.completed.map(Double.init), interval: interval, xOf: xOf, yOf: { yOf($0, countScale) },
                        attributes: "class=\"completed\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"")
        out += polyline(series.bytes.map(Double.init), interval: interval, xOf: xOf, yOf: { yOf($0, byteScale) },
                        attributes: "class=\"bytes\" fill=\"none\" stroke=\"#2ca02c\" stroke-width=\"1.5\" stroke-dasharray=\"5,3\"")
        out += "</g>\n"
        return out
    }

    /// A step line through the middle of each interval.
    private static func polyline(_ values: [Double], interval: Double, xOf: (Double) -> Double, yOf: (Double) -> Double, attributes: String) -> String {
        guard !values.isEmpty else { return "" }
        let points = values.enumerated().map { "\(fmt(xOf((Double($0.offset) + 0.5) * interval))),\(fmt(yOf($0.element)))" }
        return "<polyline \(attributes) points=\"\(points.joined(separator: " "))\"/>\n"
    }

    /// A value axis from 0 with 2 to 5 round ticks (steps of 1, 2 or 5 times a power of ten).
    struct Axis {
        let step: Double
        let top: Double

        init(maximum: Double) {
            var magnitude = 1.0
            while magnitude * 10 <= maximum / 4 { magnitude *= 10 }
            let steps = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }
            step = steps.first { maximum / $0 <= 5 } ?? 10 * magnitude
            top = max(step, (maximum / step).rounded(.up) * step)
        }

        var ticks: [Double] {
            stride(from: 0.0, through: top + step / 2, by: step).map { $0 }
        }
    }

    /// 0.1, 0.2, 0.5, 1, 2, 5... at or above `value`.
    static func niceStep(_ value: Double) -> Double {
        var candidate = 0.1
        while true {
            for factor in [1.0, 2.0, 5.0] where candidate * factor >= value { return candidate * factor }
            candidate *= 10
        }
    }

    private static func compact(_ value: Double) -> String {
        value >= 1000 ? "\(Decimal3.format(value / 1000, digits: value >= 10_000 ? 0 : 1))k" : Seconds.format(value)
    }

    private static func fmt(_ value: Double) -> String { Decimal3.format(value, digits: 1) }

    /// Escapes text for XML.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
