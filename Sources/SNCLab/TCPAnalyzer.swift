/// Wireshark's TCP sequence analysis (`tcp_analyze_sequence_number` in
/// epan/dissectors/packet-tcp.c, Wireshark 4.0), packet by packet, per
/// conversation, with Wireshark's defaults: relative sequence numbers, window
/// scaling learnt from the SYNs, keep-alives and window updates excluded.
///
/// The order of the checks is Wireshark's, because a packet that matches an
/// earlier check (a zero-window probe, a keep-alive) skips later ones.
package struct TCPAnalyzer {
    /// One direction of a conversation (Wireshark's `tcp_flow_t`).
    struct Flow {
        var baseSequence: UInt32 = 0
        var hasBase = false
        /// Relative; 0 means "none seen yet", as in Wireshark.
        var nextSequence: UInt32 = 0
        var nextSequenceTime: UInt64 = 0
        var lastAck: UInt32 = 0
        var lastAckTime: UInt64 = 0
        /// Scaled; Wireshark starts it at G_MAXUINT32 so the first packet is no window update.
        var window: UInt64 = UInt64(UInt32.max)
        /// -1 not known yet, -2 scaling not in use, else the shift.
        var windowScale = -1
        var duplicateAcks = 0
        var lastSegmentWasKeepAlive = false
        var lastSegmentWasZeroWindowProbe = false
    }

    struct Conversation {
        /// The flow from the lower endpoint to the higher.
        var lowToHigh = Flow()
        var highToLow = Flow()
        /// Wireshark's `ts_mru_syn` and `ts_first_rtt`: the out-of-order threshold.
        var lastSynTime: UInt64 = 0
        var firstRoundTrip: UInt64 = 0
    }

    struct Key: Hashable {
        var low: TCPSegment.Endpoint
        var high: TCPSegment.Endpoint
    }

    private var conversations: [Key: Conversation] = [:]

    package init() {}

    /// Classifies one packet, seen at `time` (nanoseconds), and returns the
    /// display-filter classes it matches.
    package mutating func classify(_ segment: TCPSegment, at time: UInt64) -> [TCPAnalysisFlag] {
        let forward = segment.source < segment.destination
        let key = forward ? Key(low: segment.source, high: segment.destination) : Key(low: segment.destination, high: segment.source)
        var conversation = conversations[key] ?? Conversation()
        let flags = segment.flags
        // A SYN with a sequence number other than the one this direction
        // started with: the ports are reused by a new connection.
        if flags.intersection([.syn, .ack]) == .syn {
            let existing = forward ? conversation.lowToHigh : conversation.highToLow
            if existing.hasBase && existing.baseSequence != segment.sequence { conversation = Conversation() }
        }
        var fwd = forward ? conversation.lowToHigh : conversation.highToLow
        var rev = forward ? conversation.highToLow : conversation.lowToHigh
        let result = Self.analyze(segment, at: time, fwd: &fwd, rev: &rev, conversation: &conversation)
        if forward {
            conversation.lowToHigh = fwd
            conversation.highToLow = rev
        } else {
            conversation.highToLow = fwd
            conversation.lowToHigh = rev
        }
        conversations[key] = conversation
        return result
    }

    private static func analyze(_ segment: TCPSegment, at time: UInt64, fwd: inout Flow, rev: inout Flow,
                                conversation: inout Conversation) -> [TCPAnalysisFlag] {
        let flags = segment.flags
        let synFinRst: TCPSegment.Flags = [.syn, .fin, .rst]
        if flags.contains(.syn) {
            fwd.baseSequence = segment.sequence
            fwd.hasBase = true
            fwd.windowScale = segment.windowScale ?? -1
            if flags.contains(.ack), fwd.windowScale == -1 || rev.windowScale == -1 {
                // Scaling is in use only when both SYNs offered it.
                fwd.windowScale = -2
                rev.windowScale = -2
            }
            conversation.lastSynTime = time
        } else if !fwd.hasBase {
            fwd.baseSequence = segment.sequence
            fwd.hasBase = true
        }
        if flags.intersection([.syn, .ack]) == .ack, conversation.firstRoundTrip == 0, conversation.lastSynTime != 0 {
            conversation.firstRoundTrip = time &- conversation.lastSynTime
        }
        let seq = segment.sequence &- fwd.baseSequence
        let ack = flags.contains(.ack) && rev.hasBase ? segment.acknowledgement &- rev.baseSequence : segment.acknowledgement
        let seglen = UInt32(truncatingIfNeeded: segment.payloadLength)
        var window = UInt64(segment.window)
        if !flags.contains(.syn), fwd.windowScale >= 0 { window <<= UInt64(fwd.windowScale) }

        var result: [TCPAnalysisFlag] = []
        var keepAlive = false
        var zeroWindowProbe = false

        checks: do {
            // ZERO WINDOW PROBE: one byte at the next sequence number into a closed window.
            if seglen == 1, seq == fwd.nextSequence, rev.window == 0 {
                zeroWindowProbe = true
                break checks
            }
            if window == 0, flags.intersection(synFinRst).isEmpty {
                result.append(.zeroWindow)
            }
            // LOST SEGMENT: a gap before this segment.
            if fwd.nextSequence != 0, greater(seq, than: fwd.nextSequence), !flags.contains(.rst) {
                result.append(.lostSegment)
            }
            if seglen <= 1, seq == fwd.nextSequence &- 1, flags.intersection(synFinRst).isEmpty {
                keepAlive = true
            }
            // WINDOW UPDATE (not counted, but it is no duplicate ACK).
            // WINDOW FULL: the segment reaches the edge of the peer's window.
            if seglen > 0, rev.windowScale != -1, UInt64(seq &+ seglen) == UInt64(rev.lastAck) &+ rev.window,
               flags.intersection(synFinRst).isEmpty {
                result.append(.windowFull)
            }
            let sameAckAndWindow = seglen == 0 && window != 0 && window == fwd.window && seq == fwd.nextSequence
                && ack == fwd.lastAck && flags.intersection(synFinRst).isEmpty
            // KEEP-ALIVE ACK and ZERO WINDOW PROBE ACK are no duplicate ACKs.
            if sameAckAndWindow, rev.lastSegmentWasKeepAlive || rev.lastSegmentWasZeroWindowProbe { break checks }
            if sameAckAndWindow {
                fwd.duplicateAcks += 1
                result.append(.duplicateAck)
            }
        }
        if ack != fwd.lastAck { fwd.duplicateAcks = 0 }

        // RETRANSMISSION, FAST RETRANSMISSION, OUT-OF-ORDER, SPURIOUS RETRANSMISSION.
        if seglen > 0 || !flags.intersection([.syn, .fin]).isEmpty, fwd.nextSequence != 0, less(seq, than: fwd.nextSequence), !keepAlive {
            classifyResend: do {
                if rev.lastAck != 0, !greater(seq &+ seglen, than: rev.lastAck) {
                    // Spurious: everything in it was acknowledged already.
                    if TCPAnalysisFlag.spuriousIsRetransmission { result.append(.retransmission) }
                    break classifyResend
                }
                if rev.duplicateAcks >= 2, rev.lastAck == seq, time &- rev.lastAckTime < 20_000_000 {
                    result.append(.fastRetransmission)
                    result.append(.retransmission)
                    break classifyResend
                }
                let threshold = conversation.firstRoundTrip == 0 ? 3_000_000 : conversation.firstRoundTrip
                if time &- fwd.nextSequenceTime < threshold, fwd.nextSequence != seq &+ seglen {
                    result.append(.outOfOrder)
                    break classifyResend
                }
                result.append(.retransmission)
            }
        }

        if seglen > 0 || !flags.intersection([.syn, .fin]).isEmpty {
            var next = seq &+ seglen
            if !flags.intersection([.syn, .fin]).isEmpty { next &+= 1 }
            if greater(next, than: fwd.nextSequence) || fwd.nextSequence == 0, !zeroWindowProbe {
                fwd.nextSequence = next
                fwd.nextSequenceTime = time
            }
        }
        fwd.window = window
        fwd.lastAck = ack
        fwd.lastAckTime = time
        fwd.lastSegmentWasKeepAlive = keepAlive
        fwd.lastSegmentWasZeroWindowProbe = zeroWindowProbe
        if flags.contains(.rst) { result.append(.reset) }
        return result
    }

    /// Sequence-space comparisons (GT_SEQ, LT_SEQ): modulo 2^32.
    private static func greater(_ a: UInt32, than b: UInt32) -> Bool { Int32(bitPattern: b &- a) < 0 }
    private static func less(_ a: UInt32, than b: UInt32) -> Bool { Int32(bitPattern: a &- b) < 0 }
}

extension TCPAnalysisFlag {
    /// tshark's `tcp.analysis.retransmission` also matches spurious retransmissions.
    static let spuriousIsRetransmission = true
}
