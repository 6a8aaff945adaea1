/// `--json`: the whole report, machine-readable, keys in snake_case.
/// Optional figures that are unknown are left out, except
/// `first_trouble_concurrency`, which is null when no level had trouble.
package enum ReportJSON {
    package static func encode(_ report: LoadReport) -> String {
        document(report).prettyText
    }

    package static func document(_ report: LoadReport) -> JSONValue {
        var members: [String: JSONValue] = [
            "target": .string(report.target),
            "target_is_loopback": .bool(report.targetIsLoopback),
            "engine": .string(report.engine),
            "message_bytes": integer(report.messageBytes),
            "timeout_seconds": .number(report.timeoutSeconds),
            "sources": .array(report.sources.map(JSONValue.string)),
            "system": system(report.system),
            "levels": .array(report.levels.map(level)),
            "repeats": integer(report.repeats),
            "first_trouble_runs": .array(report.firstTroubleRuns.map { $0.map(integer) ?? .null }),
            "first_trouble_concurrency": report.firstTroubleConcurrency.map(integer) ?? .null,
            "notes": .array(report.notes.map(JSONValue.string)),
            "interrupted": .bool(report.interrupted),
            "interrupted_at_concurrency": report.interruptedAtConcurrency.map(integer) ?? .null,
            "isolated": .bool(report.isolated),
        ]
        if let capture = report.capture { members["capture"] = CaptureJSON.summary(capture) }
        return .object(members.merging(optionalMembers(report)) { first, _ in first })
    }

    private static func integer(_ value: Int) -> JSONValue { .integer(Int64(value)) }

    /// `isolated_server` (--isolated) and `rate` (--rate), left out when not asked for.
    private static func optionalMembers(_ report: LoadReport) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        if let server = report.isolatedServer { members["isolated_server"] = .string(server) }
        if let rate = report.rate { members["rate"] = .number(rate) }
        return members
    }

    private static func system(_ figures: SystemFigures) -> JSONValue {
        let known: [(String, Int?)] = [
            ("somaxconn", figures.somaxconn), ("max_syn_backlog", figures.maxSynBacklog), ("syncookies", figures.syncookies),
            ("abort_on_overflow", figures.abortOnOverflow), ("time_wait_reuse", figures.timeWaitReuse),
            ("local_port_low", figures.localPortLow), ("local_port_high", figures.localPortHigh),
            ("open_file_limit", figures.openFileLimit), ("open_file_hard_limit", figures.openFileHardLimit),
        ]
        var members: [String: JSONValue] = [:]
        for case let (key, value?) in known { members[key] = integer(value) }
        return .object(members)
    }

    private static func level(_ level: LevelReport) -> JSONValue {
        var members: [String: JSONValue] = [
            "concurrency": integer(level.concurrency),
            "run": integer(level.run),
            "client_limited": integer(level.clientLimited),
            "clients_running": integer(level.clientsRunning),
            "connections": integer(level.connections),
            "completed": integer(level.completed),
            "failed": integer(level.failed),
            "failures": failures(level.failures),
            "seconds": .number(level.seconds),
            "connections_per_second": .number(level.connectionsPerSecond),
            "bytes_sent": integer(level.bytesSent),
            "bytes_received": integer(level.bytesReceived),
            "bytes_per_second": .number(level.bytesPerSecond),
            "connect_latency": latency(level.connectLatency),
            "exchange_latency": latency(level.exchangeLatency),
            "kernel_counters": .array(level.kernelCounters.map(counter)),
            "io_graph": series(level.ioGraph),
            "trouble": .array(level.trouble.map(JSONValue.string)),
        ]
        if let timeWait = level.timeWaitSockets { members["time_wait_sockets"] = integer(timeWait) }
        if let corrected = level.exchangeLatencyCorrected { members["exchange_latency_corrected"] = latency(corrected) }
        if let behind = level.behindScheduleMilliseconds { members["behind_schedule_milliseconds"] = .number(behind) }
        if let capture = level.capture { members["capture"] = CaptureJSON.summary(capture) }
        return .object(members)
    }

    private static func failures(_ counts: FailureCounts) -> JSONValue {
        .object([
            "refused": integer(counts.refused),
            "reset": integer(counts.reset),
            "timed_out_connecting": integer(counts.timedOutConnecting),
            "timed_out_waiting_for_reply": integer(counts.timedOutWaitingForReply),
            "bad_receipt": integer(counts.badReceipt),
            "no_local_port": integer(counts.noLocalPort),
            "other": .object(counts.other.mapValues(integer)),
            "client_limits": .object(counts.clientLimits.mapValues(integer)),
        ])
    }

    private static func latency(_ summary: LatencySummary) -> JSONValue {
        .object([
            "count": integer(summary.count),
            "p50": .number(summary.p50), "p90": .number(summary.p90), "p99": .number(summary.p99), "max": .number(summary.max),
        ])
    }

    private static func counter(_ delta: CounterDelta) -> JSONValue {
        .object([
            "name": .string(delta.name), "counter": .string(delta.counter), "meaning": .string(delta.meaning),
            "delta": .integer(delta.delta), "is_trouble": .bool(delta.isTrouble),
        ])
    }

    private static func series(_ series: IOSeries) -> JSONValue {
        var members: [String: JSONValue] = [
            "interval_milliseconds": integer(series.intervalMilliseconds),
            "completed": .array(series.completed.map(integer)),
            "bytes": .array(series.bytes.map(integer)),
            "errors": .array(series.errors.map(integer)),
            "kernel": .object(series.kernel.mapValues { .array($0.map(JSONValue.integer)) }),
        ]
        if let capture = series.capture { members["capture"] = .object(capture.mapValues { .array($0.map(JSONValue.integer)) }) }
        return .object(members)
    }
}
