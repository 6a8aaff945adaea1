/// The run's IO graph as an SVG file, drawn the way Wireshark's IO Graphs
/// draws a capture: time on the x axis in 100 ms intervals, completed
/// exchanges per interval as a line, bytes per interval as a second line on
/// its own scale, and under them, as stacked bars, what went wrong in each
/// interval: clients the server or TCP failed, and the kernel's TCP events
/// (drops and resets in red, retransmissions in orange), like Wireshark's
/// "All TCP analysis flags" series; with `--capture`, the packets snc's
/// TCP analysis flagged are a line on the same scale. The bars have their own scale in the
/// lower part of each panel: next to thousands of exchanges an interval, a
/// few dozen dropped SYNs would otherwise be a fraction of a pixel. One
/// panel per level, all on the same time scale and the same y scales, so
/// levels can be compared at a glance.
package enum IOGraph {
    static let width = 1040.0
    static let panelHeight = 170.0
    static let left = 70.0
    static let right = 80.0
    static let top = 84.0
    static let gap = 34.0
    /// The share of a panel's height the event bars' scale spans.
    static let eventShare = 0.4
    /// Height of one title line above a panel.
    static let titleLine = 15.0
    /// Title characters that fit on one line: the width from the left edge
    /// of the plot to the right edge of the image, at about 7 px a bold character.
    package static let titleCharacters = Int((width - left - 10) / 7.2)

    /// A bar series: its class in the SVG, colour, legend words and the values per interval.
    struct BarSeries: Sendable {
        let name: String
        let colour: String
        let legend: String
        let values: @Sendable (LevelReport) -> [Int64]
    }

    static let bars: [BarSeries] = [
        BarSeries(name: "errors", colour: "#7f0000", legend: "failed clients") { $0.ioGraph.errors.map(Int64.init) },
        BarSeries(name: "tcp-drops-resets", colour: "#d62728", legend: "TCP drops and resets (ListenDrops + OutRsts)") {
            sum($0.ioGraph, ["TcpExt.ListenDrops", "Tcp.OutRsts"])
        },
        BarSeries(name: "tcp-retransmissions", colour: "#ff7f0e", legend: "TCP retransmissions, SYNs included (RetransSegs)") {
            sum($0.ioGraph, ["Tcp.RetransSegs"])
        },
    ]

    /// With `--capture`: the packets snc's TCP analysis flagged in each
    /// interval, drawn as a line on the events scale (Wireshark's "All TCP
    /// analysis flags" series), so the capture's own evidence sits next to
    /// the kernel's counters without being stacked onto them. Fast
    /// retransmissions are left out of the sum because they are counted
    /// under `tcp.analysis.retransmission` too, as tshark matches them; RSTs
    /// are no analysis flag. Nil without a capture.
    package static func captureFlags(_ series: IOSeries) -> [Int64]? {
        guard let capture = series.capture else { return nil }
        let flags = TCPAnalysisFlag.allCases.filter { $0 != .fastRetransmission && $0 != .reset }
        return sum(capture, flags.map(\.rawValue), intervals: series.completed.count)
    }

    static let captureColour = "#9467bd"
    static let captureLegend = "TCP analysis flags in the capture (tcp.analysis.*)"

    /// The per-interval sum of some kernel counters (zeros where the series has none).
    static func sum(_ series: IOSeries, _ keys: [String]) -> [Int64] {
        sum(series.kernel, keys, intervals: series.completed.count)
    }

    /// The per-interval sum of `keys`' series in `values`, over `intervals` intervals.
    private static func sum(_ values: [String: [Int64]], _ keys: [String], intervals: Int) -> [Int64] {
        var total = [Int64](repeating: 0, count: intervals)
        for key in keys {
            for (index, value) in (values[key] ?? []).enumerated() where index < total.count { total[index] += value }
        }
        return total
    }

    package static func svg(for report: LoadReport) -> String {
        let levels = report.levels
        let longest = max(0.1, levels.map { Double($0.ioGraph.completed.count * $0.ioGraph.intervalMilliseconds) / 1000 }.max() ?? 0.1)
        // One count scale and one byte scale for every panel.
        var highestCount = 1
        var highestEvents: Int64 = 1
        var highestBytes = 1
        for level in levels {
            let stacked = bars.map { $0.values(level) }.reduce(into: [Int64]()) { total, values in
                if total.count < values.count { total.append(contentsOf: repeatElement(0, count: values.count - total.count)) }
                for (index, value) in values.enumerated() { total[index] += max(0, value) }
            }
            highestCount = max(highestCount, level.ioGraph.completed.max() ?? 0)
            highestEvents = max(highestEvents, stacked.max() ?? 0, captureFlags(level.ioGraph)?.max() ?? 0)
            highestBytes = max(highestBytes, level.ioGraph.bytes.max() ?? 0)
        }
        let scales = Scales(highestCount: Double(highestCount), highestEvents: Double(highestEvents), highestBytes: Double(highestBytes))
        let heading = wrap("IO graph: \(report.target), \(report.messageBytes)-byte messages, \(report.engine) engine (per \(levels.first?.ioGraph.intervalMilliseconds ?? 100) ms)", at: Int((width - left) / 8.5))
        let titles = levels.map { title(for: $0, isFirstTrouble: $0.concurrency == report.firstTroubleConcurrency && !$0.trouble.isEmpty, repeats: report.repeats) }
        let legendTop = 20 + Double(heading.count) * 18 + 8
        var y = legendTop + 40
        var panels = ""
        for (level, title) in zip(levels, titles) {
            y += Double(title.count) * titleLine
            panels += panel(level, title: title, y: y, longest: longest, scales: scales)
            y += panelHeight + gap
        }
        let height = y + 10
        var svg = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <title>snc load IO graph: \(escape(report.target))</title>
        <rect width="100%" height="100%" fill="white"/>

        """
        for (index, line) in heading.enumerated() {
            svg += "<text x=\"\(left)\" y=\"\(fmt(20 + Double(index) * 18))\" font-size=\"15\" font-weight=\"bold\">\(escape(line))</text>\n"
        }
        svg += legend(y: legendTop, withCapture: levels.contains { $0.ioGraph.capture != nil })
        svg += panels
        svg += "</svg>\n"
        return svg
    }

    /// The legend, two rows: the lines, then the bars (and the capture's line).
    private static func legend(y: Double, withCapture: Bool) -> String {
        var out = "<g class=\"legend\" transform=\"translate(\(left),\(fmt(y)))\">\n"
        out += "<line x1=\"0\" y1=\"-4\" x2=\"24\" y2=\"-4\" stroke=\"#1f77b4\" stroke-width=\"2\"/><text x=\"30\" y=\"0\">completed exchanges</text>\n"
        out += "<line x1=\"200\" y1=\"-4\" x2=\"224\" y2=\"-4\" stroke=\"#2ca02c\" stroke-width=\"1.5\" stroke-dasharray=\"5,3\"/><text x=\"230\" y=\"0\">bytes (right scale)</text>\n"
        var x = 0.0
        for bar in bars {
            out += "<rect class=\"legend-\(bar.name)\" x=\"\(fmt(x))\" y=\"10\" width=\"12\" height=\"12\" fill=\"\(bar.colour)\"/><text x=\"\(fmt(x + 18))\" y=\"20\">\(escape(bar.legend))</text>\n"
            x += 18 + Double(bar.legend.count) * 6.6 + 24
        }
        if withCapture {
            out += "<line class=\"legend-capture-flags\" x1=\"420\" y1=\"-4\" x2=\"444\" y2=\"-4\" stroke=\"\(captureColour)\" stroke-width=\"1.5\"/><text x=\"450\" y=\"0\">\(escape(captureLegend))</text>\n"
        }
        out += "</g>\n"
        return out
    }

    /// The panel's title, wrapped so no line runs past the image's right edge.
    package static func title(for level: LevelReport, isFirstTrouble: Bool, repeats: Int) -> [String] {
        var title = "\(level.concurrency) clients at once"
        if repeats > 1 { title += " (run \(level.run) of \(repeats))" }
        title += ": \(level.completed) completed, \(level.failed) failed in \(Decimal3.format(level.seconds, digits: 2)) s"
        if level.clientLimited > 0 { title += ", \(level.clientLimited) not run (this machine's limits)" }
        if !level.trouble.isEmpty { title += ": " + level.trouble.joined(separator: ", ") }
        if isFirstTrouble { title += " (trouble starts here)" }
        return wrap(title, at: titleCharacters)
    }

    /// Splits text at spaces into lines of at most `limit` characters (a
    /// longer word gets a line of its own).
    static func wrap(_ text: String, at limit: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= limit {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        lines.append(current)
        return lines
    }

    /// The y scales every panel shares.
    struct Scales {
        let count: Axis
        let events: Axis
        let bytes: Axis
        let unit: Double
        let unitName: String

        init(highestCount: Double, highestEvents: Double, highestBytes: Double) {
            count = Axis(maximum: highestCount)
            events = Axis(maximum: highestEvents)
            // The byte axis counts in the largest binary unit below the maximum, so ticks are round (256 KiB, 1 MiB).
            let units: [(Double, String)] = [(1_073_741_824, "GiB"), (1_048_576, "MiB"), (1024, "KiB")]
            (unit, unitName) = units.first { highestBytes >= $0.0 } ?? (1, "B")
            bytes = Axis(maximum: highestBytes / unit)
        }
    }

    private static func panel(_ level: LevelReport, title: [String], y: Double, longest: Double, scales: Scales) -> String {
        let series = level.ioGraph
        let plotWidth = width - left - right
        let interval = Double(series.intervalMilliseconds) / 1000
        let countAxis = scales.count
        let byteAxis = scales.bytes
        let unit = scales.unit
        let countScale = countAxis.top
        let byteScale = byteAxis.top * unit
        let xOf = { (seconds: Double) in left + seconds / longest * plotWidth }
        let yOf = { (value: Double, scale: Double) in y + panelHeight - value / scale * panelHeight }

        var out = "<g class=\"panel\" data-clients=\"\(level.concurrency)\" data-run=\"\(level.run)\">\n"
        for (index, line) in title.enumerated() {
            let lineY = y - 8 - Double(title.count - 1 - index) * titleLine
            out += "<text class=\"title\" x=\"\(left)\" y=\"\(fmt(lineY))\" font-weight=\"bold\"\(level.trouble.isEmpty ? "" : " fill=\"#d62728\"")>\(escape(line))</text>\n"
        }
        out += "<rect x=\"\(left)\" y=\"\(fmt(y))\" width=\"\(fmt(plotWidth))\" height=\"\(fmt(panelHeight))\" fill=\"#fafafa\" stroke=\"#999\"/>\n"

        // Grid: a line at each tick of the count axis; the byte axis is labelled at its own ticks.
        for value in countAxis.ticks {
            let lineY = yOf(value, countScale)
            out += "<line x1=\"\(left)\" y1=\"\(fmt(lineY))\" x2=\"\(fmt(left + plotWidth))\" y2=\"\(fmt(lineY))\" stroke=\"#e0e0e0\"/>"
            out += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(lineY + 4))\" text-anchor=\"end\">\(compact(value))</text>\n"
        }
        for value in byteAxis.ticks {
            out += "<text x=\"\(fmt(left + plotWidth + 6))\" y=\"\(fmt(yOf(value * unit, byteScale) + 4))\" fill=\"#2ca02c\">\(Seconds.format(value)) \(scales.unitName)</text>\n"
        }
        let tick = niceStep(longest / 8)
        var second = 0.0
        while second <= longest + 1e-9 {
            out += "<text x=\"\(fmt(xOf(second)))\" y=\"\(fmt(y + panelHeight + 14))\" text-anchor=\"middle\">\(Seconds.format(second)) s</text>"
            second += tick
        }
        out += "\n<text x=\"14\" y=\"\(fmt(y + panelHeight / 2))\" transform=\"rotate(-90 14 \(fmt(y + panelHeight / 2)))\" text-anchor=\"middle\">per \(series.intervalMilliseconds) ms</text>\n"

        // What went wrong, as stacked bars under the lines, the way Wireshark marks TCP analysis
        // flags, on their own scale (the dashed red line, labelled) in the panel's lower part.
        let eventTop = scales.events.top
        let eventHeight = panelHeight * eventShare
        let yOfEvents = { (value: Double) in y + panelHeight - value / eventTop * eventHeight }
        out += "<line class=\"event-scale\" x1=\"\(left)\" y1=\"\(fmt(yOfEvents(eventTop)))\" x2=\"\(fmt(left + plotWidth))\" y2=\"\(fmt(yOfEvents(eventTop)))\" stroke=\"#d62728\" stroke-width=\"0.5\" stroke-dasharray=\"2,3\"/>"
        out += "<text x=\"\(fmt(left + 4))\" y=\"\(fmt(yOfEvents(eventTop) - 3))\" fill=\"#d62728\" font-size=\"10\">\(compact(eventTop)) events per \(series.intervalMilliseconds) ms</text>\n"
        let barWidth = max(1, interval / longest * plotWidth - 1)
        var stacked = [Double](repeating: 0, count: series.completed.count)
        for bar in bars {
            for (bucket, value) in bar.values(level).enumerated() where value > 0 && bucket < stacked.count {
                let base = stacked[bucket]
                stacked[bucket] += Double(value)
                // At least 2 px, so one event among hundreds is still seen.
                let barTop = min(yOfEvents(stacked[bucket]), yOfEvents(base) - 2)
                stacked[bucket] = max(stacked[bucket], (y + panelHeight - barTop) / eventHeight * eventTop)
                out += "<rect class=\"\(bar.name)\" x=\"\(fmt(xOf(Double(bucket) * interval)))\" y=\"\(fmt(barTop))\" width=\"\(fmt(barWidth))\" height=\"\(fmt(yOfEvents(base) - barTop))\" fill=\"\(bar.colour)\" opacity=\"0.85\"><title>\(value) \(escape(bar.legend))</title></rect>\n"
            }
        }
        if let flags = captureFlags(series) {
            out += polyline(flags.map(Double.init), interval: interval, xOf: xOf, yOf: yOfEvents,
                            attributes: "class=\"capture-flags\" fill=\"none\" stroke=\"\(captureColour)\" stroke-width=\"1.5\"")
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
