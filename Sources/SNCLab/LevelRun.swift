import SNCSocket
import Synchronization

/// The state one level of a load run shares between its client threads or
/// epoll loops and the thread that watches it: which client is next, when
/// to stop, live counts for the progress line, and the finished records.
final class LevelRun: Sendable {
    let configuration: LoadConfiguration
    let level: LoadLevel
    /// CLOCK_MONOTONIC nanoseconds when the level started.
    let startedAt: UInt64
    /// Client numbers start here, so stamps differ across the levels of a sweep.
    let firstIndex: Int
    private let deadline: UInt64?
    /// Before this, a spent connections budget does not end the level (--level-duration).
    private let minimumEnd: UInt64
    private let nextIndex = Atomic<Int>(0)
    /// SIGINT once: start no new clients.
    let stopping = Atomic<Bool>(false)
    /// SIGINT twice: drop the clients in flight too.
    let aborting = Atomic<Bool>(false)
    let completed = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    let workersFinished = Atomic<Int>(0)
    private let records = Mutex<[ClientRecord]>([])
    /// With `--rate`: when each client is due.
    let schedule: RateSchedule?

    init(configuration: LoadConfiguration, level: LoadLevel, firstIndex: Int) {
        self.configuration = configuration
        self.level = level
        self.firstIndex = firstIndex
        startedAt = MonotonicClock.now()
        if case .duration(let seconds) = level.budget {
            deadline = startedAt + TimeLimit.nanoseconds(seconds)
        } else {
            deadline = nil
        }
        minimumEnd = startedAt &+ TimeLimit.nanoseconds(level.minimumSeconds)
        let start = startedAt
        schedule = configuration.rate.map { RateSchedule(start: start, connectionsPerSecond: $0) }
    }

    /// With `--rate`: the next client if it is due by `now`, else when it
    /// will be, or done once the budget (-n, or --duration counted in due
    /// times) is spent. The schedule, not --level-duration, sets the length.
    func claimScheduled(_ schedule: RateSchedule, now: UInt64) -> ScheduledClaim {
        var next = nextIndex.load(ordering: .relaxed)
        while true {
            if stopping.load(ordering: .relaxed) { return .done }
            if case .connections(let total) = level.budget, next >= total { return .done }
            let due = schedule.due(next)
            if let deadline, due >= deadline { return .done }
            if due > now { return .wait(until: due) }
            let (exchanged, original) = nextIndex.compareExchange(expected: next, desired: next + 1, ordering: .relaxed)
            if exchanged { return .client(index: firstIndex + next, due: due) }
            next = original
        }
    }

    /// How long a client slot waits after hitting a limit of this machine
    /// (EMFILE, EADDRNOTAVAIL, ...) before trying again, so it does not spin.
    static let clientLimitBackoffMilliseconds: Int32 = 50

    /// The timeout in nanoseconds and milliseconds (at most a year: see TimeLimit).
    var timeoutNanoseconds: UInt64 { TimeLimit.nanoseconds(configuration.timeout) }
    var timeoutMilliseconds: Int { TimeLimit.milliseconds(configuration.timeout) }

    /// The next client to run, or nil when the level's budget is spent or it was stopped.
    func claim() -> Int? {
        if stopping.load(ordering: .relaxed) { return nil }
        if let deadline, MonotonicClock.now() >= deadline { return nil }
        let index = nextIndex.add(1, ordering: .relaxed).oldValue
        if case .connections(let total) = level.budget, index >= total, MonotonicClock.now() >= minimumEnd { return nil }
        return firstIndex + index
    }

    /// The source address client `index` binds, round-robin over --source.
    func source(for index: Int) -> SocketAddress? {
        let sources = configuration.sources
        return sources.isEmpty ? nil : sources[index % sources.count]
    }

    /// Counts one finished client for the progress line.
    func count(_ outcome: ClientOutcome) {
        if outcome == .completed {
            completed.add(1, ordering: .relaxed)
        } else {
            failed.add(1, ordering: .relaxed)
        }
    }

    /// Hands in a worker's records when it is done.
    func finish(with workerRecords: [ClientRecord]) {
        records.withLock { $0.append(contentsOf: workerRecords) }
        workersFinished.add(1, ordering: .sequentiallyConsistent)
    }

    func takeRecords() -> [ClientRecord] {
        records.withLock { records in
            defer { records = [] }
            return records
        }
    }
}
