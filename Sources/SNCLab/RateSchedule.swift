/// `--rate N`: an open loop, as wrk2 and tcpkali run one. Connection k of a
/// level is due at the level's start + k / N seconds, whether or not earlier
/// clients have finished; `-c` caps how many are in flight. A client that
/// starts after its due time (every slot was busy) has waited as a real
/// user would have, so its latency is also measured from the due time
/// (correcting for coordinated omission).
struct RateSchedule: Sendable {
    /// CLOCK_MONOTONIC nanoseconds when connection 0 is due.
    let start: UInt64
    /// Nanoseconds between due times (at least 1).
    let interval: UInt64

    init(start: UInt64, connectionsPerSecond: Double) {
        self.start = start
        interval = max(1, UInt64((1e9 / connectionsPerSecond).rounded()))
    }

    /// When connection `k` of the level is due.
    func due(_ k: Int) -> UInt64 {
        start &+ UInt64(k) &* interval
    }
}

/// What a slot of the open loop gets when it asks for its next client.
enum ScheduledClaim {
    /// Client `index` is due (at `due`): start it now.
    case client(index: Int, due: UInt64)
    /// The next client is due at this time: wait for it.
    case wait(until: UInt64)
    /// The level's budget is spent, or the run is stopping.
    case done
}
