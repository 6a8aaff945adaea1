/// The report and the sweep table as people read them.
package enum ReportText {
    // MARK: One level

    /// The full report of a run with one level.
    package static func single(_ report: LoadReport) -> String {
        guard let level = report.levels.first else { return "snc load: no clients ran\n" }
        var lines: [String] = []
        lines.append("snc load \(report.target): \(level.concurrency) clients at once, \(level.connections) connections, "
            + "\(report.messageBytes)-byte messages, \(report.engine) engine")
        lines.append("  completed  \(level.completed) in \(Decimal3.format(level.seconds, digits: 2)) s: "
            + "\(Decimal3.format(level.connectionsPerSecond, digits: 1)) connections/s, \(ByteCount.describe(level.bytesPerSecond))/s sent and received")
        lines.append("  failed     \(level.failed)" + (level.failed > 0 ? "  (\(failureWords(level.failures)))" : ""))
        lines.append("  latency       " + ["p50", "p90", "p99", "max"].map { pad($0, 11) }.joined())
        lines.append("    connect     " + row(level.connectLatency))
        lines.append("    exchange    " + row(level.exchangeLatency))
        lines.append("  kernel TCP counters over the run (whole machine):")
        lines.append(contentsOf: counterLines(level))
        if let timeWait = level.timeWaitSockets {
            lines.append("  TIME_WAIT sockets at the end: \(timeWait)")
        }
        lines.append(contentsOf: report.notes.map { "note: \($0)" })
        return lines.joined(separator: "\n") + "\n"
    }

    /// "refused 1, reset 2, timed out 3 (connecting 2), bad receipt 0, no local port 0, EMFILE 1"
    package static func failureWords(_ failures: FailureCounts) -> String {
        var parts = [
            "refused \(failures.refused)",
            "reset \(failures.reset)",
            "timed out \(failures.timedOut)" + (failures.timedOut > 0 ? " (\(failures.timedOutConnecting) while connecting)" : ""),
            "bad receipt \(failures.badReceipt)",
            "no local port \(failures.noLocalPort)",
        ]
        parts.append(contentsOf: failures.other.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" })
        return parts.joined(separator: ", ")
    }

    /// The causes that occurred, biggest first: "refused 20" or "reset 3, bad receipt 1".
    package static func occurredFailureWords(_ failures: FailureCounts) -> String {
        var parts: [(String, Int)] = [
            ("refused", failures.refused), ("reset", failures.reset),
            ("timed out while connecting", failures.timedOutConnecting),
            ("timed out waiting for a reply", failures.timedOutWaitingForReply),
            ("bad receipt", failures.badReceipt), ("no local port", failures.noLocalPort),
        ]
        parts.append(contentsOf: failures.other.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        return parts.filter { $0.1 > 0 }.enumerated()
            .sorted { $0.element.1 != $1.element.1 ? $0.element.1 > $1.element.1 : $0.offset < $1.offset }
            .map { "\($0.element.0) \($0.element.1)" }.joined(separator: ", ")
    }

    /// Why `snc load` fails (exit 1) when not one client in the whole run
    /// completed an exchange, in one line; nil when some client did.
    /// "no client completed an exchange with 127.0.0.1:1: all 20 failed (refused 20)"
    package static func nobodyCompleted(_ report: LoadReport) -> String? {
        guard report.levels.allSatisfy({ $0.completed == 0 }) else { return nil }
        var failures = FailureCounts()
        report.levels.forEach { failures.add($0.failures) }
        let stem = "no client completed an exchange with \(report.target)"
        guard failures.total > 0 else {
            return stem + (report.interrupted ? ": interrupted before any client finished" : "")
        }
        return stem + ": all \(failures.total) failed (\(occurredFailureWords(failures)))"
    }

    private static func row(_ latency: LatencySummary) -> String {
        guard latency.count > 0 else { return "-" }
        return [latency.p50, latency.p90, latency.p99, latency.max].map { pad(Latency.format($0), 11) }.joined()
    }

    /// Counters that moved, trouble first, each in words with its kernel name.
    private static func counterLines(_ level: LevelReport) -> [String] {
        let moved = level.kernelCounters.filter { $0.delta != 0 }
        let trouble = moved.filter(\.isTrouble)
        var lines = trouble.map { "    \(padLeft(String($0.delta), 8))  \($0.meaning) (\($0.name))" }
        if trouble.isEmpty { lines.append("           0  nothing went wrong that the kernel counts (no drops, retransmits or resets)") }
        lines.append(contentsOf: moved.filter { !$0.isTrouble }.map { "    \(padLeft(String($0.delta), 8))  \($0.meaning) (\($0.name))" })
        return lines
    }

    // MARK: Sweep table

    package static let tableColumns: [(title: String, width: Int)] = [
        ("clients", 8), ("conns", 8), ("done", 8), ("failed", 7), ("conn/s", 9), ("MiB/s", 7),
        ("connect p99", 12), ("exch p99", 11), ("exch max", 11), ("overflows", 10), ("SYN resent", 11), ("RST sent", 9),
    ]

    package static func tableHeader() -> String {
        tableColumns.map { padLeft($0.title, $0.width) }.joined() + "\n"
    }

    /// One row; `firstTrouble` marks the level where errors or drops first appeared.
    package static func tableRow(_ level: LevelReport, firstTrouble: Bool) -> String {
        let cells = [
            String(level.concurrency), String(level.connections), String(level.completed), String(level.failed),
            Decimal3.format(level.connectionsPerSecond, digits: 1), Decimal3.format(level.bytesPerSecond / 1_048_576, digits: 1),
            level.connectLatency.count > 0 ? Latency.format(level.connectLatency.p99) : "-",
            level.exchangeLatency.count > 0 ? Latency.format(level.exchangeLatency.p99) : "-",
            level.exchangeLatency.count > 0 ? Latency.format(level.exchangeLatency.max) : "-",
            String(level.counter("ListenOverflows")), String(level.counter("TCPSynRetrans")), String(level.counter("OutRsts")),
        ]
        var line = zip(cells, tableColumns).map { padLeft($0, $1.width) }.joined()
        if firstTrouble { line += "  <- errors/drops start here: " + level.trouble.joined(separator: ", ") }
        return line + "\n"
    }

    /// The table's closing lines: the notes.
    package static func tableFooter(_ report: LoadReport) -> String {
        report.notes.map { "note: \($0)\n" }.joined()
    }

    // MARK: Padding

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
