/// What `--capture` found over a run or over one level: packets recorded,
/// packets the kernel dropped, and the packets of each TCP analysis class
/// (keyed by Wireshark's display-filter names), with the first of each.
package struct CaptureSummary: Codable, Sendable, Equatable {
    /// Where the first packet of a class was seen.
    package struct FirstEvent: Codable, Sendable, Equatable {
        /// Seconds since the run's first level started.
        package var seconds: Double
        /// The level (clients at once) running then.
        package var concurrency: Int
        package var sourcePort: Int
        package var destinationPort: Int
    }

    package var file: String
    package var packets: Int
    /// Packets the kernel could not put in the capture ring (PACKET_STATISTICS tp_drops).
    package var dropped: Int
    /// Every class, zero or not: filter name -> packets.
    package var events: [String: Int]
    package var first: [String: FirstEvent]

    package init(file: String, packets: Int, dropped: Int, events: [String: Int], first: [String: FirstEvent]) {
        self.file = file
        self.packets = packets
        self.dropped = dropped
        self.events = events
        self.first = first
    }
}
