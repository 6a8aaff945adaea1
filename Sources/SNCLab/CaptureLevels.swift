/// Splits a capture's packets and classified events over the levels of the
/// run by their timestamps: a level owns what arrived from its start to the
/// next level's start (the last level keeps everything after), so the level
/// counts add up to the totals.
package struct CaptureLevels {
    package var total: CaptureSummary
    package var levels: [CaptureSummary]
    /// Per level, per class: events in each IO graph interval.
    package var series: [[String: [Int64]]]

    /// - Parameters:
    ///   - starts: each level's start, CLOCK_REALTIME nanoseconds, in order.
    ///   - concurrencies: each level's clients at once.
    ///   - intervals: how many IO graph intervals each level has.
    ///   - drops: kernel drops counted at each level's end.
    package init(file: String, timestamps: [UInt64], events: [CaptureEvent], starts: [UInt64], concurrencies: [Int], intervals: [Int],
                 intervalNanoseconds: UInt64 = 100_000_000, drops: [Int]) {
        let count = starts.count
        func level(of timestamp: UInt64) -> Int {
            // The last level whose start is not after the packet (the first for earlier packets).
            var chosen = 0
            for (index, start) in starts.enumerated() where start <= timestamp { chosen = index }
            return chosen
        }
        var packets = [Int](repeating: 0, count: count)
        if count > 0 {
            var current = 0
            for timestamp in timestamps {
                // Timestamps arrive nearly in order: walk forward, fall back to a search.
                while current + 1 < count, starts[current + 1] <= timestamp { current += 1 }
                let index = starts[current] <= timestamp || current == 0 ? current : level(of: timestamp)
                packets[index] += 1
            }
        }
        let names = TCPAnalysisFlag.allCases.map(\.rawValue)
        let zero = Dictionary(uniqueKeysWithValues: names.map { ($0, 0) })
        var levelEvents = [[String: Int]](repeating: zero, count: count)
        var levelFirst = [[String: CaptureSummary.FirstEvent]](repeating: [:], count: count)
        var series = (0..<count).map { index in
            Dictionary(uniqueKeysWithValues: names.map { ($0, [Int64](repeating: 0, count: max(1, index < intervals.count ? intervals[index] : 1))) })
        }
        var totalEvents = zero
        var totalFirst: [String: CaptureSummary.FirstEvent] = [:]
        let runStart = starts.first ?? 0
        for event in events where count > 0 {
            let index = level(of: event.timestamp)
            let name = event.flag.rawValue
            levelEvents[index][name, default: 0] += 1
            totalEvents[name, default: 0] += 1
            let first = CaptureSummary.FirstEvent(seconds: Double(Int64(bitPattern: event.timestamp &- runStart)) / 1e9,
                                                  concurrency: concurrencies[index], sourcePort: Int(event.sourcePort),
                                                  destinationPort: Int(event.destinationPort))
            if levelFirst[index][name] == nil { levelFirst[index][name] = first }
            if totalFirst[name] == nil { totalFirst[name] = first }
            let offset = event.timestamp >= starts[index] ? Int((event.timestamp - starts[index]) / intervalNanoseconds) : 0
            if var values = series[index][name] {
                values[min(offset, values.count - 1)] += 1
                series[index][name] = values
            }
        }
        let dropped = (0..<count).map { $0 < drops.count ? drops[$0] : 0 }
        levels = (0..<count).map { index in
            CaptureSummary(file: file, packets: packets[index], dropped: dropped[index], events: levelEvents[index], first: levelFirst[index])
        }
        total = CaptureSummary(file: file, packets: timestamps.count, dropped: drops.reduce(0, +), events: totalEvents, first: totalFirst)
        self.series = series
    }
}
