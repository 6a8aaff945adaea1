import SNCLab
import Testing

/// Hand-made packet sequences, one per class. The expected classes are what
/// tshark 4.0 (Debian 12) printed for the same sequences written as a pcap:
/// `tshark -r F -Y tcp.analysis.retransmission` and so on.
@Suite struct TCPAnalyzerTests {
    static let client = TCPSegment.Endpoint(high: 0xFFFF, low: 0x7F00_0001, port: 40000)
    static let server = TCPSegment.Endpoint(high: 0xFFFF, low: 0x7F00_0001, port: 5000)
    static let ms: UInt64 = 1_000_000

    typealias Packet = (time: UInt64, fromClient: Bool, seq: UInt32, ack: UInt32, flags: TCPSegment.Flags, window: UInt16, length: Int, scale: Int?)

    static func packet(_ time: UInt64, _ fromClient: Bool, _ seq: UInt32, _ ack: UInt32, _ flags: TCPSegment.Flags, _ window: UInt16,
                       _ length: Int = 0, scale: Int? = nil) -> Packet {
        (time, fromClient, seq, ack, flags, window, length, scale)
    }

    /// The handshake every sequence starts with (window scale 7 both ways).
    static let handshake: [Packet] = [
        packet(0, true, 1000, 0, .syn, 65535, scale: 7),
        packet(1 * ms, false, 5000, 1001, [.syn, .ack], 65535, scale: 7),
        packet(2 * ms, true, 1001, 5001, .ack, 512),
    ]

    /// The classes of each packet, in order.
    static func classes(_ packets: [Packet]) -> [[TCPAnalysisFlag]] {
        var analyzer = TCPAnalyzer()
        return packets.map { p in
            let segment = TCPSegment(source: p.fromClient ? client : server, destination: p.fromClient ? server : client,
                                     sequence: p.seq, acknowledgement: p.ack, flags: p.flags, window: p.window,
                                     windowScale: p.scale, payloadLength: p.length)
            return analyzer.classify(segment, at: p.time)
        }
    }

    @Test func aSynSentAgainIsARetransmission() {
        let found = Self.classes([Self.packet(0, true, 1000, 0, .syn, 65535, scale: 7), Self.packet(1000 * Self.ms, true, 1000, 0, .syn, 65535, scale: 7)])
        #expect(found == [[], [.retransmission]])
    }

    @Test func dataSentAgainLaterIsARetransmission() {
        let found = Self.classes(Self.handshake + [Self.packet(3 * Self.ms, true, 1001, 5001, [.psh, .ack], 512, 100),
                                                   Self.packet(200 * Self.ms, true, 1001, 5001, [.psh, .ack], 512, 100)])
        #expect(found.last == [.retransmission])
        #expect(found.dropLast().allSatisfy { $0.isEmpty })
    }

    @Test func aSpuriousRetransmissionCountsAsARetransmission() {
        let found = Self.classes(Self.handshake + [Self.packet(3 * Self.ms, true, 1001, 5001, [.psh, .ack], 512, 100),
                                                   Self.packet(4 * Self.ms, false, 5001, 1101, .ack, 512),
                                                   Self.packet(200 * Self.ms, true, 1001, 5001, [.psh, .ack], 512, 100)])
        #expect(found.last == [.retransmission])
    }

    @Test func threeEqualAcksThenTheSegmentIsAFastRetransmission() {
        let found = Self.classes(Self.handshake + [
            Self.packet(3 * Self.ms, true, 1001, 5001, [.psh, .ack], 512, 100),
            Self.packet(4 * Self.ms, true, 1101, 5001, [.psh, .ack], 512, 100),
            Self.packet(5 * Self.ms, false, 5001, 1001, .ack, 512), // a window update (the SYN-ACK's window was not scaled)
            Self.packet(6 * Self.ms, false, 5001, 1001, .ack, 512),
            Self.packet(7 * Self.ms, false, 5001, 1001, .ack, 512),
            Self.packet(8 * Self.ms, true, 1001, 5001, [.psh, .ack], 512, 100),
        ])
        #expect(Array(found.suffix(4)) == [[], [.duplicateAck], [.duplicateAck], [.fastRetransmission, .retransmission]])
    }

    @Test func aGapIsALostSegmentAndTheLateOneOutOfOrder() {
        let found = Self.classes(Self.handshake + [Self.packet(3 * Self.ms, true, 1101, 5001, [.psh, .ack], 512, 100),
                                                   Self.packet(3 * Self.ms + 500, true, 1001, 5001, [.psh, .ack], 512, 100)])
        #expect(Array(found.suffix(2)) == [[.lostSegment], [.outOfOrder]])
    }

    @Test func aClosedWindowIsAZeroWindow() {
        let found = Self.classes(Self.handshake + [Self.packet(3 * Self.ms, false, 5001, 1001, .ack, 0)])
        #expect(found.last == [.zeroWindow])
    }

    @Test func dataUpToTheEdgeOfTheScaledWindowIsWindowFull() {
        let found = Self.classes(Self.handshake + [Self.packet(3 * Self.ms, false, 5001, 1001, .ack, 1),
                                                   Self.packet(4 * Self.ms, true, 1001, 5001, [.psh, .ack], 512, 128)])
        #expect(Array(found.suffix(2)) == [[], [.windowFull]])
    }

    @Test func aResetIsCounted() {
        let found = Self.classes(Self.handshake + [Self.packet(3 * Self.ms, false, 5001, 0, .rst, 0)])
        #expect(found.last == [.reset])
    }

    @Test func aKeepAliveIsNoRetransmission() {
        let found = Self.classes(Self.handshake + [Self.packet(3 * Self.ms, true, 1000, 5001, .ack, 512)])
        #expect(found.last == [])
    }

    @Test func aSynWithNewSequenceNumberStartsANewConversation() {
        let found = Self.classes(Self.handshake + [Self.packet(3 * Self.ms, true, 1001, 5001, [.fin, .ack], 512),
                                                   Self.packet(4 * Self.ms, true, 99000, 0, .syn, 65535, scale: 7)])
        #expect(found.allSatisfy { $0.isEmpty })
    }
}
