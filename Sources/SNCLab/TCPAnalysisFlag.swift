/// The packet classes `snc load --capture` counts, named by Wireshark's
/// display filters so that `tshark -r FILE -Y NAME` finds the same packets.
package enum TCPAnalysisFlag: String, CaseIterable, Sendable, Codable {
    case retransmission = "tcp.analysis.retransmission"
    case fastRetransmission = "tcp.analysis.fast_retransmission"
    case duplicateAck = "tcp.analysis.duplicate_ack"
    case zeroWindow = "tcp.analysis.zero_window"
    case windowFull = "tcp.analysis.window_full"
    case outOfOrder = "tcp.analysis.out_of_order"
    case lostSegment = "tcp.analysis.lost_segment"
    case reset = "tcp.flags.reset"

    /// Index into per-flag arrays.
    var index: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}
