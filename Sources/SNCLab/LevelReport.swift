import Histogram
import Glibc

/// Latency percentiles in milliseconds, from an HdrHistogram of microseconds.
package struct LatencySummary: Codable, Sendable, Equatable {
    package var count: Int
    package var p50: Double
    package var p90: Double
    package var p99: Double
    package var max: Double

    package static let empty = LatencySummary(count: 0, p50: 0, p90: 0, p99: 0, max: 0)

    /// Records nanosecond samples at microsecond resolution (3 significant
    /// digits, up to an hour) and reads the percentiles back.
    package init(nanoseconds samples: some Sequence<UInt64>) {
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for sample in samples {
            _ = histogram.record(Swift.min(Swift.max(1, sample / 1000), 3_600_000_000))
        }
        count = Int(histogram.totalCount)
        guard count > 0 else {
            self = .empty
            return
        }
        p50 = Double(histogram.valueAtPercentile(50)) / 1000
        p90 = Double(histogram.valueAtPercentile(90)) / 1000
        p99 = Double(histogram.valueAtPercentile(99)) / 1000
        max = Double(histogram.max) / 1000
    }

    package init(count: Int, p50: Double, p90: Double, p99: Double, max: Double) {
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }
}

/// Failed clients by cause, and the clients this machine's own limits stopped.
package struct FailureCounts: Codable, Sendable, Equatable {
    package var refused = 0
    package var reset = 0
    package var timedOutConnecting = 0
    package var timedOutWaitingForReply = 0
    package var badReceipt = 0
    /// EADDRNOTAVAIL/EADDRINUSE: out of local (ephemeral) ports. These are
    /// also in `clientLimits`; the count stays here for scripts that read it.
    package var noLocalPort = 0
    /// Other errno values by name ("ENETUNREACH": 3).
    package var other: [String: Int] = [:]
    /// Limits of the load generator's machine by errno name ("EMFILE": 3):
    /// clients that never reached the server, not TCP errors, so not in `total`.
    package var clientLimits: [String: Int] = [:]

    package init() {}

    package var timedOut: Int { timedOutConnecting + timedOutWaitingForReply }
    /// Clients the server or TCP failed.
    package var total: Int { refused + reset + timedOut + badReceipt + other.values.reduce(0, +) }
    /// Clients stopped by a limit of this machine.
    package var clientLimited: Int { clientLimits.values.reduce(0, +) }

    /// Adds another level's counts to these.
    package mutating func add(_ other: FailureCounts) {
        refused += other.refused
        reset += other.reset
        timedOutConnecting += other.timedOutConnecting
        timedOutWaitingForReply += other.timedOutWaitingForReply
        badReceipt += other.badReceipt
        noLocalPort += other.noLocalPort
        other.other.forEach { self.other[$0.key, default: 0] += $0.value }
        other.clientLimits.forEach { clientLimits[$0.key, default: 0] += $0.value }
    }

    package mutating func count(_ outcome: ClientOutcome) {
        switch outcome {
        case .completed: break
        case .refused: refused += 1
        case .reset: reset += 1
        case .connectTimedOut: timedOutConnecting += 1
        case .replyTimedOut: timedOutWaitingForReply += 1
        case .badReceipt: badReceipt += 1
        case .clientLimit(let code):
            clientLimits[ErrnoName.of(code), default: 0] += 1
            if code == EADDRNOTAVAIL || code == EADDRINUSE { noLocalPort += 1 }
        case .other(let code): other[ErrnoName.of(code), default: 0] += 1
        }
    }
}

/// One kernel counter's growth over a level, with its meaning.
package struct CounterDelta: Codable, Sendable, Equatable {
    package var name: String
    package var counter: String
    package var meaning: String
    package var delta: Int64
    package var isTrouble: Bool
}

/// Per-interval series for the IO graph, like Wireshark's IO Graphs.
package struct IOSeries: Codable, Sendable, Equatable {
    package var intervalMilliseconds: Int
    /// Exchanges completed in each interval.
    package var completed: [Int]
    /// Bytes sent and received by the clients that finished in each interval.
    package var bytes: [Int]
    /// Clients the server or TCP failed in each interval (not the ones a
    /// limit of this machine stopped: those are no TCP errors).
    package var errors: [Int]
    /// Growth of the kernel's TCP counters in each interval, by counter
    /// ("Tcp.RetransSegs"), from `KernelTimeline`; empty without a timeline.
    package var kernel: [String: [Int64]]
    /// With --capture: the classified packets in each interval, by display-filter name.
    package var capture: [String: [Int64]]?

    package init(intervalMilliseconds: Int, completed: [Int], bytes: [Int], errors: [Int], kernel: [String: [Int64]] = [:]) {
        self.intervalMilliseconds = intervalMilliseconds
        self.completed = completed
        self.bytes = bytes
        self.errors = errors
        self.kernel = kernel
    }

    package init(records: [ClientRecord], seconds: Double, intervalMilliseconds: Int = 100) {
        let interval = UInt64(intervalMilliseconds) * 1_000_000
        let lastFinish = records.map(\.finishedAt).max() ?? 0
        let count = Swift.max(1, Int((Swift.max(seconds * 1e9, Double(lastFinish)) / Double(interval)).rounded(.up)))
        var completed = [Int](repeating: 0, count: count)
        var bytes = [Int](repeating: 0, count: count)
        var errors = [Int](repeating: 0, count: count)
        for record in records {
            let bucket = Swift.min(count - 1, Int(record.finishedAt / interval))
            bytes[bucket] += record.bytesSent + record.bytesReceived
            if record.outcome == .completed { completed[bucket] += 1 } else if record.outcome.isServerSideFailure { errors[bucket] += 1 }
        }
        self.init(intervalMilliseconds: intervalMilliseconds, completed: completed, bytes: bytes, errors: errors)
    }
}

/// What one level of a load run saw.
package struct LevelReport: Codable, Sendable, Equatable {
    package var concurrency: Int
    /// Which of the `--repeat` runs of this level this is, from 1.
    package var run: Int
    /// Clients actually running at once (fewer than asked if threads ran out).
    package var clientsRunning: Int
    package var connections: Int
    package var completed: Int
    /// Clients the server or TCP failed.
    package var failed: Int
    /// Clients stopped by a limit of this machine (EMFILE, EADDRNOTAVAIL...): not in `failed`.
    package var clientLimited: Int
    package var failures: FailureCounts
    package var seconds: Double
    package var connectionsPerSecond: Double
    package var bytesSent: Int
    package var bytesReceived: Int
    package var bytesPerSecond: Double
    /// socket() to connected, for every client that connected.
    package var connectLatency: LatencySummary
    /// socket() to receipt and close, for completed clients.
    package var exchangeLatency: LatencySummary
    /// With `--rate`: due time to receipt and close, for completed clients
    /// (corrected for coordinated omission: a late start counts as waiting).
    package var exchangeLatencyCorrected: LatencySummary?
    /// With `--rate`: how late the latest client started against its due time
    /// (every one of the -c slots was busy), in milliseconds.
    package var behindScheduleMilliseconds: Double?
    package var kernelCounters: [CounterDelta]
    /// TCP sockets in TIME_WAIT on the machine when the level ended.
    package var timeWaitSockets: Int?
    package var ioGraph: IOSeries
    /// Whether errors or drops showed up at this level, and which.
    package var trouble: [String]
    /// With --capture: this level's share of the packets.
    package var capture: CaptureSummary?

    package init(concurrency: Int, clientsRunning: Int, records: [ClientRecord], seconds: Double, counters: KernelCounters, timeWaitSockets: Int?,
                 timeline: KernelTimeline? = nil, run: Int = 1) {
        self.concurrency = concurrency
        self.run = run
        self.clientsRunning = clientsRunning
        connections = records.count
        var failures = FailureCounts()
        for record in records { failures.count(record.outcome) }
        self.failures = failures
        failed = failures.total
        clientLimited = failures.clientLimited
        completed = records.count - failed - clientLimited
        self.seconds = seconds
        connectionsPerSecond = seconds > 0 ? Double(completed) / seconds : 0
        bytesSent = records.reduce(0) { $0 + $1.bytesSent }
        bytesReceived = records.reduce(0) { $0 + $1.bytesReceived }
        bytesPerSecond = seconds > 0 ? Double(bytesSent + bytesReceived) / seconds : 0
        connectLatency = LatencySummary(nanoseconds: records.lazy.compactMap(\.connectNanoseconds))
        exchangeLatency = LatencySummary(nanoseconds: records.lazy.filter { $0.outcome == .completed }.map(\.totalNanoseconds))
        if let latest = records.lazy.compactMap(\.scheduleLagNanoseconds).max() {
            exchangeLatencyCorrected = LatencySummary(nanoseconds: records.lazy.filter { $0.outcome == .completed }
                .map { $0.totalNanoseconds &+ ($0.scheduleLagNanoseconds ?? 0) })
            behindScheduleMilliseconds = Double(latest) / 1e6
        }
        kernelCounters = CounterMeaning.all.map {
            CounterDelta(name: $0.name, counter: $0.key, meaning: $0.meaning, delta: counters[$0.key], isTrouble: $0.isTrouble)
        }
        self.timeWaitSockets = timeWaitSockets
        ioGraph = IOSeries(records: records, seconds: seconds)
        if let timeline { ioGraph.kernel = timeline.series(intervals: ioGraph.completed.count) }
        trouble = Self.troubleSigns(failed: failed, counters: counters)
    }

    /// Client failures, or the kernel counting dropped or retransmitted
    /// handshakes; a limit of this machine (EMFILE...) is no sign of trouble.
    static func troubleSigns(failed: Int, counters: KernelCounters) -> [String] {
        var signs: [String] = []
        if failed > 0 { signs.append("\(failed) failed") }
        let overflows = counters["TcpExt.ListenOverflows"]
        if overflows > 0 { signs.append("\(overflows) accept queue overflows") }
        // ListenDrops includes the overflows; only the rest is news.
        let otherDrops = counters["TcpExt.ListenDrops"] - overflows
        if otherDrops > 0 { signs.append("\(otherDrops) other listen drops") }
        let synRetransmits = counters["TcpExt.TCPSynRetrans"]
        if synRetransmits > 0 { signs.append("\(synRetransmits) SYN retransmits") }
        return signs
    }

    package func counter(_ name: String) -> Int64 {
        kernelCounters.first { $0.name == name }?.delta ?? 0
    }
}
