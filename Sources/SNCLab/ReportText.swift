/// The report and the sweep table as people read them.
package enum ReportText {
    // MARK: One level

    /// The full report of a run with one level.
    package static func single(_ report: LoadReport) -> String {
        guard let level = report.levels.first else { return "snc load: no clients ran\n" }
        var lines: [String] = []
        lines.append("snc load \(report.target): \(level.concurrency) clients at once, \(level.connections) connections, "
            + "\(report.messageBytes)-byte messages, \(report.engine) engine"
            + (report.isolatedServer.map { ", isolated (private network namespace, server: \($0))" } ?? ""))
        lines.append("  completed  \(level.completed) in \(Decimal3.format(level.seconds, digits: 2)) s: "
            + "\(Decimal3.format(level.connectionsPerSecond, digits: 1)) connections/s, \(ByteCount.describe(level.bytesPerSecond))/s sent and received")
        lines.append("  failed     \(level.failed)" + (level.failed > 0 ? "  (\(failureWords(level.failures)))" : ""))
        if level.clientLimited > 0 {
            lines.append("  not run    \(level.clientLimited)  (limits of this machine's load generator, not TCP errors: \(limitWords(level.failures.clientLimits)))")
        }
        lines.append("  latency       " + ["p50", "p90", "p99", "max"].map { pad($0, 11) }.joined())
        lines.append("    connect     " + row(level.connectLatency))
        lines.append("    exchange    " + row(level.exchangeLatency))
        if let corrected = level.exchangeLatencyCorrected {
            lines.append("    corrected   " + row(corrected) + " (from each client's due time at --rate \(Decimal3.format(report.rate ?? 0, digits: 0))/s)")
        }
        if let behind = level.behindScheduleMilliseconds {
            lines.append("  behind schedule by \(Decimal3.format(behind, digits: 1)) ms at most"
                + (behind >= 10 ? " (clients started late: all \(level.concurrency) allowed at once (-c) were busy, or this machine was)" : ""))
        }
        lines.append("  kernel TCP counters over the run (\(report.isolatedServer == nil ? "whole machine" : "this run's namespace only")):")
        lines.append(contentsOf: counterLines(level))
        if let timeWait = level.timeWaitSockets {
            lines.append("  TIME_WAIT sockets at the end: \(timeWait)")
        }
        lines.append(contentsOf: CaptureText.lines(report))
        lines.append(contentsOf: report.notes.map { "note: \($0)" })
        if let stopped = interruptedLine(report) { lines.append(stopped) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// "interrupted: the run was stopped (SIGINT) during the level of 200 clients at once (level 3 of 7) ..."
    package static func interruptedLine(_ report: LoadReport) -> String? {
        guard report.interrupted else { return nil }
        var line = "interrupted: the run was stopped by a signal (SIGINT or SIGTERM)"
        if let concurrency = report.interruptedAtConcurrency, let last = report.levels.last {
            let distinct = report.levels.map(\.concurrency).reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
            line += " during the level of \(concurrency) clients at once (level \(distinct.count)"
                + (report.plannedLevels.map { " of \($0)" } ?? "")
            if report.repeats > 1 { line += ", run \(last.run) of \(report.repeats)" }
            line += "); that level's figures cover only the clients that finished, and the levels after it did not run"
        } else {
            line += " before any level finished"
        }
        return line + "."
    }

    /// "EMFILE 110, EADDRNOTAVAIL 3"
    package static func limitWords(_ limits: [String: Int]) -> String {
        limits.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
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
        // Ports are already counted as "no local port"; the other limits by errno name.
        parts.append(contentsOf: failures.clientLimits.filter { $0.key != "EADDRNOTAVAIL" && $0.key != "EADDRINUSE" }
            .sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
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
        let all = failures.total + failures.clientLimited
        guard all > 0 else {
            return stem + (report.interrupted ? ": interrupted before any client finished" : "")
        }
        return stem + ": all \(all) failed (\(occurredFailureWords(failures)))"
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

    /// The table's closing lines: the notes, and whether the run was interrupted.
    package static func tableFooter(_ report: LoadReport) -> String {
        CaptureText.lines(report).map { $0 + "\n" }.joined()
            + report.notes.map { "note: \($0)\n" }.joined() + (interruptedLine(report).map { $0 + "\n" } ?? "")
    }

    // MARK: Sweep table with --repeat

    package static let repeatColumns: [(title: String, width: Int)] = [
        ("clients", 8), ("runs", 5), ("failed", 14), ("conn/s", 22), ("connect p99", 24), ("overflows", 16), ("SYN resent", 16), ("RST sent", 16), ("trouble", 9),
    ]

    package static func repeatTableHeader() -> String {
        repeatColumns.map { padLeft($0.title, $0.width) }.joined() + "   (each cell: median [lowest-highest] over the runs)\n"
    }

    /// One row for the runs of one level: each figure's median and range.
    package static func repeatTableRow(_ runs: [LevelReport]) -> String {
        guard let first = runs.first else { return "" }
        func cell(_ values: [Double], _ format: (Double) -> String) -> String {
            guard let median = RunMedian.of(values), let low = values.min(), let high = values.max() else { return "-" }
            return "\(format(median)) [\(format(low))-\(format(high))]"
        }
        let whole = { (value: Double) in String(Int(value)) }
        let connected = runs.filter { $0.connectLatency.count > 0 }
        let cells = [
            String(first.concurrency), String(runs.count),
            cell(runs.map { Double($0.failed) }, whole),
            cell(runs.map(\.connectionsPerSecond)) { Decimal3.format($0, digits: 0) },
            connected.isEmpty ? "-" : cell(connected.map(\.connectLatency.p99), Latency.format),
            cell(runs.map { Double($0.counter("ListenOverflows")) }, whole),
            cell(runs.map { Double($0.counter("TCPSynRetrans")) }, whole),
            cell(runs.map { Double($0.counter("OutRsts")) }, whole),
            "\(runs.filter { !$0.trouble.isEmpty }.count)/\(runs.count)",
        ]
        return zip(cells, repeatColumns).map { padLeft($0, $1.width) }.joined() + "\n"
    }

    // MARK: Padding

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
