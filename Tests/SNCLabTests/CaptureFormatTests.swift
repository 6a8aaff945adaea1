import SNCLab
import Testing

@Suite struct CaptureFormatTests {
    /// An IPv4 SYN from 127.0.0.1:40000 to 127.0.0.1:5000 with window scale 7, in an Ethernet frame.
    static let synFrame: [UInt8] = [UInt8](repeating: 0, count: 12) + [0x08, 0x00]
        + [0x45, 0, 0, 44, 0, 0, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]
        + [0x9C, 0x40, 0x13, 0x88, 0, 0, 0x03, 0xE8, 0, 0, 0, 0, 0x60, 0x02, 0xFF, 0xFF, 0, 0, 0, 0]
        + [1, 3, 3, 7]

    @Test func parsesTheHeaderFieldsOfAnEthernetFrame() throws {
        let segment = try #require(Self.synFrame.withUnsafeBytes { TCPSegment.parse(ethernetFrame: $0) })
        #expect(segment.source.port == 40000 && segment.destination.port == 5000)
        #expect(segment.sequence == 1000 && segment.flags == .syn && segment.window == 65535)
        #expect(segment.windowScale == 7 && segment.payloadLength == 0)
    }

    @Test func rejectsTruncatedOrForeignFrames() {
        #expect(Array(Self.synFrame.prefix(40)).withUnsafeBytes { TCPSegment.parse(ethernetFrame: $0) } == nil)
        var udp = Self.synFrame
        udp[14 + 9] = 17
        #expect(udp.withUnsafeBytes { TCPSegment.parse(ethernetFrame: $0) } == nil)
    }

    @Test func levelsSplitPacketsAndEventsByTime() {
        let second: UInt64 = 1_000_000_000
        let events = [
            CaptureEvent(flag: .retransmission, timestamp: 10 * second + 150_000_000, sourcePort: 1, destinationPort: 2),
            CaptureEvent(flag: .retransmission, timestamp: 12 * second + 50_000_000, sourcePort: 3, destinationPort: 2),
            CaptureEvent(flag: .reset, timestamp: 12 * second + 60_000_000, sourcePort: 2, destinationPort: 3),
        ]
        let split = CaptureLevels(file: "f", timestamps: [10 * second, 11 * second, 12 * second + 1, 13 * second], events: events,
                                  starts: [10 * second, 12 * second], concurrencies: [10, 20], intervals: [20, 20], drops: [0, 2])
        #expect(split.levels.map(\.packets) == [2, 2])
        #expect(split.total.packets == 4 && split.total.dropped == 2)
        #expect(split.levels[0].events["tcp.analysis.retransmission"] == 1)
        #expect(split.levels[1].events["tcp.analysis.retransmission"] == 1 && split.levels[1].events["tcp.flags.reset"] == 1)
        #expect(split.total.events["tcp.analysis.retransmission"] == 2)
        #expect(split.series[0]["tcp.analysis.retransmission"]?[1] == 1)
        #expect(split.total.first["tcp.flags.reset"]?.concurrency == 20)
        #expect(split.total.first["tcp.analysis.retransmission"]?.sourcePort == 1)
        #expect(split.total.events.count == TCPAnalysisFlag.allCases.count)
    }
}
