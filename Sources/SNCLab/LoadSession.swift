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
    /// Draw the live progress line on stderr.
    package let showsProgress: Bool

    package init(configuration: LoadConfiguration, levels: [LoadLevel], showsProgress: Bool) {
        self.configuration = configuration
        self.levels = levels
        self.showsProgress = showsProgress
    }

    /// Runs every level (SIGINT stops starting clients and ends the run after
    /// the clients in flight finish; a second SIGINT stops waiting for them);
    /// `onLevel` sees each level as it ends.
    package func run(signals: borrowing SignalDescriptor, onLevel: (LevelReport) -> Void) -> LoadReport {
        var reports: [LevelReport] = []
        var interrupted = false
        var firstIndex = 0
        for level in levels {
            let before = KernelCounters.read()
            let run = LevelRun(configuration: configuration, level: level, firstIndex: firstIndex)
            let workers = start(run)
            interrupted = watch(run, workers: workers, signals: signals) || interrupted
            let seconds = MonotonicClock.seconds(since: run.startedAt)
            let counters = KernelCounters.read().delta(since: before)
            let records = run.takeRecords()
            firstIndex += records.count
            let running = configuration.engine == .threads ? workers : min(level.concurrency, Self.budgetCap(level))
            let report = LevelReport(concurrency: level.concurrency, clientsRunning: running, records: records, seconds: seconds,
                                     counters: counters, timeWaitSockets: SystemFigures.timeWaitSockets())
            reports.append(report)
            onLevel(report)
            if interrupted { break }
        }
        return LoadReport(
            target: configuration.targetName,
            targetIsLoopback: configuration.target.isLoopback,
            engine: configuration.engine.rawValue,
            messageBytes: configuration.message.size,
            timeoutSeconds: configuration.timeout,
            sources: configuration.sources.map(\.host),
            system: SystemFigures.read(),
            levels: reports,
            interrupted: interrupted
        )
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

    /// Waits for the workers, drawing progress; true if SIGINT arrived.
    private func watch(_ run: LevelRun, workers: Int, signals: borrowing SignalDescriptor) -> Bool {
        var interrupted = false
        var lastDrawn: UInt64 = 0
        while run.workersFinished.load(ordering: .sequentiallyConsistent) < workers {
            let ready = (try? Poll.wait(for: signals.descriptor, .readable, timeoutMilliseconds: 20)) ?? []
            if !ready.isEmpty, (try? signals.next()) != nil {
                run.stopping.store(true, ordering: .relaxed)
                if interrupted {
                    // A second signal: stop waiting for clients in flight; report what finished.
                    run.aborting.store(true, ordering: .relaxed)
                    break
                }
                interrupted = true
            }
            let now = MonotonicClock.now()
            if showsProgress, now &- lastDrawn >= 200_000_000 {
                lastDrawn = now
                drawProgress(run)
            }
        }
        if showsProgress { Console.write(STDERR_FILENO, "\r\u{1B}[K") }
        return interrupted
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
