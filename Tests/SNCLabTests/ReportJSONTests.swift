// The one test file that imports Foundation: `--json` used to be written by
// its JSONEncoder, and snc's own writer must print exactly what it printed.
import FoundationEssentials
import SNCLab
import Testing

private func record(at milliseconds: UInt64, total: UInt64, _ outcome: ClientOutcome = .completed) -> ClientRecord {
    ClientRecord(finishedAt: milliseconds * 1_000_000, connectNanoseconds: outcome == .refused ? nil : total / 3,
                 totalNanoseconds: total, bytesSent: 1024, bytesReceived: 100, outcome: outcome)
}

/// What the Foundation encoder printed for `--json` before.
private func foundationJSON(_ report: LoadReport) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
}

@Suite struct ReportJSONTests {
    @Test(arguments: [0.5, 0.001, 0.000_012_3, 3.0, 1234567.890123, 1e21, 0])
    func printsWhatFoundationPrinted(seconds: Double) throws {
        // The IO graph has a bucket per 100 ms of a level: keep levels short.
        let levelSeconds = seconds < 1000 ? seconds : 0.5
        let records = [
            record(at: 1, total: 2_000_000), record(at: 3, total: 12_345_678, .reset), record(at: 5, total: 1, .refused),
            record(at: 7, total: 9_000_000, .other(24)), record(at: 9, total: 9_000_000, .other(9999)),
            record(at: 250, total: 900_000_000, .clientLimit(99)), record(at: 260, total: 5, .replyTimedOut),
        ]
        let busy = LevelReport(concurrency: 7, clientsRunning: 5, records: records, seconds: levelSeconds,
                               counters: KernelCounters(values: ["TcpExt.ListenOverflows": 3, "TcpExt.TCPSynRetrans": 4]),
                               timeWaitSockets: 40000)
        let quiet = LevelReport(concurrency: 1, clientsRunning: 1, records: [], seconds: levelSeconds,
                                counters: KernelCounters(values: [:]), timeWaitSockets: nil)
        let figures = [SystemFigures(), SystemFigures(somaxconn: 4096, maxSynBacklog: 128, syncookies: 1, abortOnOverflow: 0,
                                                     timeWaitReuse: 2, localPortLow: 32768, localPortHigh: 60999)]
        for system in figures {
            for levels in [[quiet], [quiet, busy], []] {
                let report = LoadReport(target: "[::1]:5555 \"/\\\t\u{1}\u{7f} é ✓", targetIsLoopback: false, engine: "threads",
                                        messageBytes: 1 << 20, timeoutSeconds: seconds, sources: ["127.0.0.2", "a/b"],
                                        system: system, levels: levels, interrupted: true)
                #expect(ReportJSON.encode(report) == (try foundationJSON(report)))
            }
        }
    }

    @Test(arguments: [Double.infinity, -Double.infinity, Double.nan])
    func nonFiniteNumbersAreStrings(value: Double) throws {
        let report = LoadReport(target: "t", targetIsLoopback: true, engine: "epoll", messageBytes: 1, timeoutSeconds: value,
                                sources: [], system: SystemFigures(), levels: [], interrupted: false)
        #expect(ReportJSON.encode(report) == (try foundationJSON(report)))
    }
}
