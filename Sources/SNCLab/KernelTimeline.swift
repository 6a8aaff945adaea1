/// The kernel's TCP counters over one level, interval by interval: what
/// Wireshark's IO graph shows as its "TCP analysis flags" series, read from
/// the counters instead of from packets.
///
/// The first snapshot is the level's start snapshot and the last its end
/// snapshot, and each interval holds the growth between two consecutive
/// snapshots, so the intervals of a counter add up to exactly the level's
/// growth of that counter.
package struct KernelTimeline: Sendable {
    /// The counters followed over time: the ones that say a handshake was
    /// dropped, a segment sent again or a connection reset.
    package static let keys = [
        "TcpExt.ListenOverflows", "TcpExt.ListenDrops", "TcpExt.TCPSynRetrans", "TcpExt.TCPTimeouts",
        "Tcp.RetransSegs", "Tcp.OutRsts", "Tcp.AttemptFails", "Tcp.EstabResets",
    ]

    let startedAt: UInt64
    let intervalNanoseconds: UInt64
    private var last: KernelCounters
    /// Growth per interval, by counter; an interval with no snapshot yet is zero.
    private var growth: [String: [Int64]] = [:]
    /// Intervals whose end has been sampled.
    private var sampledIntervals = 0

    /// Starts at the level's start snapshot, taken at `startedAt` (CLOCK_MONOTONIC nanoseconds).
    package init(start: KernelCounters, startedAt: UInt64, intervalMilliseconds: Int = 100) {
        self.startedAt = startedAt
        intervalNanoseconds = UInt64(intervalMilliseconds) * 1_000_000
        last = start
        for key in Self.keys { growth[key] = [] }
    }

    /// True once the interval after the last sampled one has ended at `now`.
    package func isDue(now: UInt64) -> Bool {
        now >= startedAt &+ UInt64(sampledIntervals + 1) &* intervalNanoseconds
    }

    /// Records a snapshot taken at `now`: its growth goes to the last interval
    /// that ended by then (a late sample leaves the intervals it skipped at 0).
    package mutating func record(_ snapshot: KernelCounters, at now: UInt64) {
        let ended = Int((now &- startedAt) / intervalNanoseconds)
        add(snapshot, toInterval: max(ended - 1, sampledIntervals))
        sampledIntervals = max(sampledIntervals + 1, ended)
    }

    /// Records the level's end snapshot: the growth since the last sample
    /// belongs to the interval in progress.
    package mutating func finish(with end: KernelCounters) {
        add(end, toInterval: sampledIntervals)
    }

    /// Each counter's growth in exactly `count` intervals (the IO graph's):
    /// growth recorded past the last interval is added to the last one, so
    /// the sums stay equal to the level's growth.
    package func series(intervals count: Int) -> [String: [Int64]] {
        let count = max(1, count)
        return growth.mapValues { values in
            var fitted = [Int64](repeating: 0, count: count)
            for (index, value) in values.enumerated() { fitted[min(index, count - 1)] += value }
            return fitted
        }
    }

    private mutating func add(_ snapshot: KernelCounters, toInterval index: Int) {
        for key in Self.keys {
            var values = growth[key] ?? []
            if values.count <= index { values.append(contentsOf: repeatElement(0, count: index + 1 - values.count)) }
            values[index] += snapshot[key] - last[key]
            growth[key] = values
        }
        last = snapshot
    }
}
