/// Everything a `snc load` run found, as `--json` prints it.
package struct LoadReport: Codable, Sendable, Equatable {
    package var target: String
    package var engine: String
    package var messageBytes: Int
    package var timeoutSeconds: Double
    package var sources: [String]
    package var system: SystemFigures
    /// Every run of every level, in the order they ran (a level's `--repeat` runs one after another).
    package var levels: [LevelReport]
    /// How many times each level ran (`--repeat`).
    package var repeats: Int
    /// For each repeat, the first level (clients at once) where errors or drops appeared; nil where none did.
    package var firstTroubleRuns: [Int?]
    /// The median of `firstTroubleRuns` (see `RunMedian.firstTrouble`); nil if no trouble in most runs.
    package var firstTroubleConcurrency: Int?
    /// What the figures mean, in words.
    package var notes: [String]
    /// True if SIGINT or SIGTERM stopped the run early.
    package var interrupted: Bool
    /// The level (clients at once) that was running when the run was stopped.
    package var interruptedAtConcurrency: Int?
    /// How many levels the run was asked for (a stopped run reports fewer).
    package var plannedLevels: Int?
    package var targetIsLoopback: Bool
    /// With `--isolated`: the server that ran in the run's private network namespace; nil otherwise.
    package var isolatedServer: String?
    /// True for an `--isolated` run.
    package var isolated: Bool
    /// `--rate`: new connections per second on a schedule; nil for the closed loop.
    package var rate: Double?
    /// With --capture: the whole run's packets and their TCP analysis classes.
    package var capture: CaptureSummary?

    package init(target: String, targetIsLoopback: Bool, engine: String, messageBytes: Int, timeoutSeconds: Double, sources: [String], system: SystemFigures, levels: [LevelReport], interrupted: Bool,
                 repeats: Int = 1, plannedLevels: Int? = nil, isolatedServer: String? = nil, rate: Double? = nil) {
        self.target = target
        self.targetIsLoopback = targetIsLoopback
        self.engine = engine
        self.messageBytes = messageBytes
        self.timeoutSeconds = timeoutSeconds
        self.sources = sources
        self.system = system
        self.levels = levels
        self.interrupted = interrupted
        self.repeats = max(1, repeats)
        self.plannedLevels = plannedLevels
        self.isolatedServer = isolatedServer
        isolated = isolatedServer != nil
        self.rate = rate
        interruptedAtConcurrency = interrupted ? levels.last?.concurrency : nil
        firstTroubleRuns = (1...max(1, repeats)).map { run in
            levels.first { $0.run == run && !$0.trouble.isEmpty }?.concurrency
        }
        firstTroubleConcurrency = RunMedian.firstTrouble(firstTroubleRuns)
        notes = []
        notes = Self.notes(for: self)
    }

    /// Encodes every key, `first_trouble_concurrency` as null when no level
    /// had trouble (the synthesized encoder would leave the key out).
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(target, forKey: .target)
        try container.encode(targetIsLoopback, forKey: .targetIsLoopback)
        try container.encode(engine, forKey: .engine)
        try container.encode(messageBytes, forKey: .messageBytes)
        try container.encode(timeoutSeconds, forKey: .timeoutSeconds)
        try container.encode(sources, forKey: .sources)
        try container.encode(system, forKey: .system)
        try container.encode(levels, forKey: .levels)
        try container.encode(repeats, forKey: .repeats)
        try container.encode(firstTroubleRuns, forKey: .firstTroubleRuns)
        try container.encode(firstTroubleConcurrency, forKey: .firstTroubleConcurrency)
        try container.encode(notes, forKey: .notes)
        try container.encode(interrupted, forKey: .interrupted)
        try container.encode(interruptedAtConcurrency, forKey: .interruptedAtConcurrency)
        try container.encode(isolated, forKey: .isolated)
        try container.encodeIfPresent(isolatedServer, forKey: .isolatedServer)
        try container.encodeIfPresent(rate, forKey: .rate)
    }

    /// Explains the trouble a run saw: which limit was hit and how it shows.
    static func notes(for report: LoadReport) -> [String] {
        var notes: [String] = []
        let levels = report.levels
        let system = report.system
        let total = { (value: (LevelReport) -> Int) in levels.reduce(0) { $0 + value($1) } }
        let sum = { (name: String) in levels.reduce(Int64(0)) { $0 + $1.counter(name) } }

        let overflows = sum("ListenOverflows")
        let synRetrans = sum("TCPSynRetrans")
        let worstConnect = levels.map(\.connectLatency.max).max() ?? 0
        if overflows > 0 {
            let cap = system.somaxconn.map { "net.core.somaxconn = \($0)" } ?? "net.core.somaxconn"
            let shape = (system.abortOnOverflow ?? 0) == 0
                ? "the kernel dropped those handshakes silently and the clients sent their SYN again after 1 s, 3 s, 7 s"
                : "tcp_abort_on_overflow is 1, so the kernel answered with resets"
            notes.append("The server's accept queue (its listen backlog, at most \(cap)) overflowed \(overflows) times (ListenOverflows): \(shape). "
                + "That shows up as slow connects (worst \(Latency.format(worstConnect))), not as refused connections.")
        } else if synRetrans > 0 {
            notes.append("\(synRetrans) SYNs were sent again (TCPSynRetrans): some connects waited 1 s, 3 s or 7 s for an answer (worst \(Latency.format(worstConnect))).")
        }
        let noPort = total { $0.failures.noLocalPort }
        if noPort > 0 {
            let range = system.localPortLow.map { low in "\(low)-\(system.localPortHigh ?? 0)" } ?? "net.ipv4.ip_local_port_range"
            notes.append("\(noPort) clients found no free local port (EADDRNOTAVAIL), a limit of this machine's load generator, not a TCP error: "
                + "the ephemeral ports \(range) (net.ipv4.ip_local_port_range) of a source address were used up, "
                + "most of them held in TIME_WAIT for 60 s after a close. Spread clients over more source addresses with --source 127.0.0.2-127.0.0.9, widen ip_local_port_range, or wait a minute.")
        } else if let timeWait = levels.compactMap(\.timeWaitSockets).max(), let ports = system.localPortCount, report.sources.count <= 1, timeWait > ports / 2 {
            // The client half-closes first, so its side of each connection waits in TIME_WAIT.
            let reuse = system.timeWaitReuse ?? 0
            let rescued = reuse == 1 || (reuse == 2 && report.targetIsLoopback)
            notes.append("\(timeWait) sockets are in TIME_WAIT (60 s each; the client closes first when it half-closes) against \(ports) ephemeral ports. "
                + (rescued
                    ? "net.ipv4.tcp_tw_reuse = \(reuse) lets new connections reuse those ports here; without it a long run fails with EADDRNOTAVAIL."
                    : "A longer run will fail with EADDRNOTAVAIL; --source 127.0.0.2-127.0.0.9 spreads clients over more addresses."))
        }
        let refused = total { $0.failures.refused }
        if refused > 0 {
            notes.append("\(refused) connections were refused (a reset answered the SYN): nothing listened on the port, or the server closed its listener.")
        }
        let reset = total { $0.failures.reset }
        if reset > 0 {
            notes.append("\(reset) connections were reset after they were set up (ECONNRESET/EPIPE): the server closed them with unread data or gave up on them.")
        }
        let connectTimeouts = total { $0.failures.timedOutConnecting }
        if connectTimeouts > 0 {
            notes.append("\(connectTimeouts) clients could not connect within --timeout \(Seconds.format(report.timeoutSeconds)) s: their SYNs went unanswered (a full accept queue drops them).")
        }
        let replyTimeouts = total { $0.failures.timedOutWaitingForReply }
        if replyTimeouts > 0 {
            notes.append("\(replyTimeouts) clients connected but waited more than \(Seconds.format(report.timeoutSeconds)) s for the intro or the receipt: the server accepted late or is overloaded.")
        }
        let bad = total { $0.failures.badReceipt }
        if bad > 0 {
            notes.append("\(bad) receipts did not match the message sent (wrong size or SHA-256, an error line, or the server closed early).")
        }
        let fewer = levels.filter { $0.clientsRunning < min($0.concurrency, $0.connections) }
        for level in fewer {
            notes.append("At \(level.concurrency) clients only \(level.clientsRunning) client threads could be started (pthread_create: EAGAIN).")
        }
        let limited = levels.reduce(FailureCounts()) { var sum = $0; sum.add($1.failures); return sum }.clientLimits
        notes.append(contentsOf: clientLimitNotes(limited, system: system, sources: report.sources.count))
        let runsWords = report.firstTroubleRuns.map { $0.map(String.init) ?? "none" }.joined(separator: ", ")
        if report.repeats > 1 {
            if let first = report.firstTroubleConcurrency {
                notes.append("Errors or drops first appeared at \(first) clients at once (the median of \(report.repeats) runs: \(runsWords)).")
            } else if report.firstTroubleRuns.allSatisfy({ $0 == nil }) {
                notes.append("None of the \(report.repeats) runs found errors or drops at any level; try higher levels to find where trouble starts.")
            } else {
                notes.append("Most of the \(report.repeats) runs found no errors or drops (first trouble per run: \(runsWords)).")
            }
        } else if let first = report.firstTroubleConcurrency, levels.count > 1 {
            notes.append("Errors or drops first appeared at \(first) clients at once.")
        } else if levels.count > 1 {
            notes.append("No errors or drops at any level; try higher levels to find where trouble starts.")
        }
        if report.isolatedServer != nil {
            notes.append("Isolated run: the server and the clients ran in a private network namespace, so the kernel counters, somaxconn, ports and TIME_WAIT sockets are this run's alone.")
        } else {
            notes.append("Kernel counters are for the whole machine (its network namespace), so other traffic during the run is counted too.")
        }
        return notes
    }
}

extension LoadReport {
    /// One note per limit of this machine the clients hit (EADDRNOTAVAIL has its own, above).
    static func clientLimitNotes(_ limits: [String: Int], system: SystemFigures, sources: Int) -> [String] {
        var notes: [String] = []
        let lead = "a limit of this machine's load generator, not a TCP error: these clients never reached the server and are not counted as failed"
        if let count = limits["EMFILE"] {
            let soft = system.openFileLimit.map(String.init) ?? "?"
            let hard = system.openFileHardLimit.map(String.init) ?? "?"
            notes.append("\(count) clients could not open a socket (EMFILE), \(lead). snc load's open-file limit is \(soft) (hard limit \(hard); "
                + "snc raises the soft limit to the hard one at start). Raise the hard limit (ulimit -Hn, /etc/security/limits.conf, prlimit --nofile) "
                + "or run fewer clients at once.")
        }
        if let count = limits["ENFILE"] {
            notes.append("\(count) clients could not open a socket because the whole machine ran out of open files (ENFILE), \(lead). Raise fs.file-max or run fewer clients at once.")
        }
        if let count = limits["ENOBUFS"] {
            notes.append("\(count) clients found the kernel out of socket buffer memory (ENOBUFS), \(lead). Run fewer clients at once or raise net.ipv4.tcp_mem.")
        }
        if let count = limits["EADDRINUSE"], limits["EADDRNOTAVAIL"] == nil {
            notes.append("\(count) clients found no free local port (EADDRINUSE), \(lead). Spread them with --source ranges or widen net.ipv4.ip_local_port_range.")
        }
        return notes
    }
}

/// Latencies for people: "0.12 ms", "12.3 ms", "1003 ms".
package enum Latency {
    package static func format(_ milliseconds: Double) -> String {
        if milliseconds < 10 { return "\(Decimal3.format(milliseconds, digits: 2)) ms" }
        if milliseconds < 1000 { return "\(Decimal3.format(milliseconds, digits: 1)) ms" }
        return "\(Decimal3.format(milliseconds, digits: 0)) ms"
    }
}
