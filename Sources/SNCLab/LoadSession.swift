import SNCSocket
import Glibc

/// Runs the levels of a `snc load` run one after another and builds the report.
///
/// For each level it reads the kernel's TCP counters, starts the engine's
/// threads, watches them (the progress line, SIGINT) until every one has
/// handed in its records, reads the counters again and summarises.
package struct LoadSession {
    package let configuration: LoadConfiguration
    package let levels: [LoadLevel]
    /// How many times each level runs (--repeat), one run after another.
    package let repeats: Int
    /// Draw the live progress line on stderr.
    package let showsProgress: Bool
    /// With `--isolated`: the server running in this run's namespace, for the report.
    package var isolatedServer: String?

    package init(configuration: LoadConfiguration, levels: [LoadLevel], repeats: Int = 1, showsProgress: Bool) {
        self.configuration = configuration
        self.levels = levels
        self.repeats = max(1, repeats)
        self.showsProgress = showsProgress
    }

    /// --capture: the running packet capture; stopped after the last level
    /// and split over the levels into the report.
    package var capture: CaptureRecorder?

    /// The signal that stopped the run early, if one did (SIGINT or SIGTERM).
    package private(set) var stoppedBy: CInt?

    /// Runs every level (SIGINT stops starting clients and ends the run after
    /// the clients in flight finish; a second SIGINT stops waiting for them);
    /// `onLevel` sees each run of a level as it ends.
    package mutating func run(signals: borrowing SignalDescriptor, onLevel: (LevelReport) -> Void) -> LoadReport {
        var reports: [LevelReport] = []
        var firstIndex = 0
        var captureStarts: [UInt64] = []
        levels: for level in levels {
            for repeatNumber in 1...repeats {
                let before = KernelCounters.read()
                let run = LevelRun(configuration: configuration, level: level, firstIndex: firstIndex)
                var timeline = KernelTimeline(start: before, startedAt: run.startedAt)
                if capture != nil { captureStarts.append(RealtimeClock.now()) }
                let workers = start(run)
                if let signal = watch(run, workers: workers, signals: signals, timeline: &timeline) { stoppedBy = signal }
                let seconds = MonotonicClock.seconds(since: run.startedAt)
                let end = KernelCounters.read()
                timeline.finish(with: end)
                let records = run.takeRecords()
                firstIndex += records.count
                let running = configuration.engine == .threads ? workers : min(level.concurrency, Self.budgetCap(level))
                let report = LevelReport(concurrency: level.concurrency, clientsRunning: running, records: records, seconds: seconds,
                                         counters: end.delta(since: before), timeWaitSockets: SystemFigures.timeWaitSockets(),
                                         timeline: timeline, run: repeatNumber)
                reports.append(report)
                capture?.markLevelEnd()
                onLevel(report)
                if stoppedBy != nil { break levels }
            }
        }
        let interrupted = stoppedBy != nil
        var captured: CaptureSummary?
        if let capture {
            capture.stop()
            let split = CaptureLevels(file: capture.path, timestamps: capture.timestamps, events: capture.events, starts: captureStarts,
                                      concurrencies: reports.map(\.concurrency), intervals: reports.map(\.ioGraph.completed.count),
                                      drops: capture.dropsPerMark)
            for index in reports.indices {
                reports[index].capture = split.levels[index]
                reports[index].ioGraph.capture = split.series[index]
            }
            captured = split.total
        }
        var report = LoadReport(
            target: configuration.targetName,
            targetIsLoopback: configuration.target.isLoopback,
            engine: configuration.engine.rawValue,
            messageBytes: configuration.message.size,
            timeoutSeconds: configuration.timeout,
            sources: configuration.sources.map(\.host),
            system: SystemFigures.read(),
            levels: reports,
            interrupted: interrupted,
            repeats: repeats,
            plannedLevels: levels.count,
            isolatedServer: isolatedServer,
            rate: configuration.rate
        )
        report.capture = captured
        return report
    }

    /// No more clients at once than there are connections to make.
    static func budgetCap(_ level: LoadLevel) -> Int {
        if case .connections(let total) = level.budget { return max(1, total) }
        return level.concurrency
    }

    private func start(_ run: LevelRun) -> Int {
        let clients = min(run.level.concurrency, Self.budgetCap(run.level))
        switch configuration.engine {
        case .threads:
            return ThreadsEngine.start(run, workers: clients)
        case .epoll:
            return EpollEngine.start(run, concurrency: clients, loops: EpollEngine.loopCount(concurrency: clients))
        }
    }

    /// Waits for the workers, drawing progress and sampling the kernel's
    /// counters every interval; returns the signal that arrived, if one did.
    private func watch(_ run: LevelRun, workers: Int, signals: borrowing SignalDescriptor, timeline: inout KernelTimeline) -> CInt? {
        var stoppedBy: CInt?
        var lastDrawn: UInt64 = 0
        while run.workersFinished.load(ordering: .sequentiallyConsistent) < workers {
            let ready = (try? Poll.wait(for: signals.descriptor, .readable, timeoutMilliseconds: 20)) ?? []
            if !ready.isEmpty, let signal = try? signals.next() {
                run.stopping.store(true, ordering: .relaxed)
                if stoppedBy != nil {
                    // A second signal: stop waiting for clients in flight; report what finished.
                    run.aborting.store(true, ordering: .relaxed)
                    break
                }
                stoppedBy = signal
            }
            let now = MonotonicClock.now()
            if timeline.isDue(now: now) { timeline.record(KernelCounters.read(), at: now) }
            if showsProgress, now &- lastDrawn >= 200_000_000 {
                lastDrawn = now
                drawProgress(run)
            }
        }
        if showsProgress { Console.write(STDERR_FILENO, "\r\u{1B}[K") }
        return stoppedBy
    }

    private func drawProgress(_ run: LevelRun) {
        let completed = run.completed.load(ordering: .relaxed)
        let failed = run.failed.load(ordering: .relaxed)
        let seconds = MonotonicClock.seconds(since: run.startedAt)
        let rate = seconds > 0 ? Double(completed) / seconds : 0
        var goal = ""
        switch run.level.budget {
        case .connections(let total): goal = "/\(total)"
        case .duration(let limit): goal = " (\(Seconds.format(max(0, limit - seconds).rounded(.up))) s left)"
        }
        let line = "\r\u{1B}[K\(run.level.concurrency) clients: \(completed + failed)\(goal) done, \(failed) failed, "
            + "\(Decimal3.format(rate, digits: 0)) conn/s, \(Decimal3.format(seconds, digits: 1)) s"
        Console.write(STDERR_FILENO, line)
    }
}
