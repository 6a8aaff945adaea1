/// The `--capture` section of the text report: packets, drops, and each
/// TCP analysis class with its count, per level and in total, and where the
/// first one was.
package enum CaptureText {
    package static func lines(_ report: LoadReport) -> [String] {
        guard let total = report.capture else { return [] }
        var lines = ["capture \(total.file): \(total.packets) packets, \(total.dropped) dropped by the kernel"
            + " (Wireshark's TCP analysis; tshark -r \(total.file) -Y NAME finds the same packets)"]
        let perLevel = report.levels.count > 1
        for flag in TCPAnalysisFlag.allCases {
            let name = flag.rawValue
            let count = total.events[name] ?? 0
            var line = "  " + ReportText.pad(name, 36) + ReportText.padLeft(String(count), 8)
            if perLevel, count > 0 {
                line += "  (" + report.levels.compactMap { level in
                    guard let found = level.capture?.events[name], found > 0 else { return nil }
                    return "\(found) at \(level.concurrency)"
                }.joined(separator: ", ") + ")"
            }
            if let first = total.first[name] {
                line += "  first at \(Decimal3.format(first.seconds, digits: 3)) s, \(first.concurrency) clients, port \(first.sourcePort) -> \(first.destinationPort)"
            }
            lines.append(line)
        }
        return lines
    }
}
