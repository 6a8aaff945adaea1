import SNCLab
import Testing

/// A completed client of an open-loop (--rate) level: `total` ms from its start, `lag` ms after its due time.
private func scheduled(total: UInt64, lag: UInt64) -> ClientRecord {
    var record = ClientRecord(finishedAt: 0, connectNanoseconds: 1_000_000, totalNanoseconds: total * 1_000_000,
                              bytesSent: 1024, bytesReceived: 100, outcome: .completed)
    record.scheduleLagNanoseconds = lag * 1_000_000
    return record
}

private func level(_ records: [ClientRecord]) -> LevelReport {
    LevelReport(concurrency: 2, clientsRunning: 2, records: records, seconds: 1, counters: KernelCounters(values: [:]), timeWaitSockets: nil)
}

@Test func lateStartsMakeCorrectedLatencyLargerThanRaw() {
    // Each client took 300 ms once started, but the later ones started up to 900 ms late.
    let report = level([scheduled(total: 300, lag: 0), scheduled(total: 300, lag: 300), scheduled(total: 300, lag: 600), scheduled(total: 300, lag: 900)])
    let corrected = report.exchangeLatencyCorrected
    #expect(report.exchangeLatency.max < 301)
    #expect(corrected?.count == 4)
    #expect((corrected?.max ?? 0) > 1199 && (corrected?.max ?? 0) < 1202)
    #expect((corrected?.p50 ?? 0) > report.exchangeLatency.p50 + 250)
    #expect(report.behindScheduleMilliseconds == 900)
}

@Test func aClosedLoopLevelHasNoCorrectedFigures() {
    let record = ClientRecord(finishedAt: 0, connectNanoseconds: 1, totalNanoseconds: 2_000_000, bytesSent: 1, bytesReceived: 1, outcome: .completed)
    let report = level([record])
    #expect(report.exchangeLatencyCorrected == nil)
    #expect(report.behindScheduleMilliseconds == nil)
}

@Test func jsonCarriesRateCorrectedLatencyAndLag() {
    let report = LoadReport(target: "127.0.0.1:5555", targetIsLoopback: true, engine: "epoll", messageBytes: 1024, timeoutSeconds: 10,
                            sources: [], system: SystemFigures(), levels: [level([scheduled(total: 5, lag: 20)])], interrupted: false, rate: 200)
    guard case .object(let top) = ReportJSON.document(report), case .array(let levels)? = top["levels"], case .object(let first)? = levels.first else {
        Issue.record("no levels in the JSON report")
        return
    }
    #expect(top["rate"] == .number(200))
    #expect(top["isolated"] == .bool(false))
    #expect(first["behind_schedule_milliseconds"] == .number(20))
    guard case .object(let corrected)? = first["exchange_latency_corrected"] else {
        Issue.record("no exchange_latency_corrected")
        return
    }
    #expect(corrected["count"] == .integer(1))
}
