/// The TCP header fields Wireshark's TCP analysis looks at, read from an
/// Ethernet frame carrying IPv4 or IPv6 (no IPv6 extension headers, no
/// fragments: what loopback TCP looks like).
package struct TCPSegment: Equatable, Sendable {
    package struct Endpoint: Hashable, Sendable, Comparable {
        /// The address: IPv4 in the low 32 bits of `low` with `high` 0xFFFF (apart from any IPv6 address).
        package var high: UInt64
        package var low: UInt64
        package var port: UInt16

        package init(high: UInt64, low: UInt64, port: UInt16) {
            self.high = high
            self.low = low
            self.port = port
        }

        package static func < (lhs: Endpoint, rhs: Endpoint) -> Bool {
            (lhs.high, lhs.low, lhs.port) < (rhs.high, rhs.low, rhs.port)
        }
    }

    package struct Flags: OptionSet, Sendable, Equatable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }
        package static let fin = Flags(rawValue: 0x01)
        package static let syn = Flags(rawValue: 0x02)
        package static let rst = Flags(rawValue: 0x04)
        package static let psh = Flags(rawValue: 0x08)
        package static let ack = Flags(rawValue: 0x10)
    }

    package var source: Endpoint
    package var destination: Endpoint
    package var sequence: UInt32
    package var acknowledgement: UInt32
    package var flags: Flags
    /// The window field as sent (not scaled).
    package var window: UInt16
    /// The window scale option's shift, on a SYN that carries one.
    package var windowScale: Int?
    /// Bytes of TCP payload (from the IP length, so a short capture does not change it).
    package var payloadLength: Int

    package init(source: Endpoint, destination: Endpoint, sequence: UInt32, acknowledgement: UInt32, flags: Flags, window: UInt16,
                 windowScale: Int? = nil, payloadLength: Int) {
        self.source = source
        self.destination = destination
        self.sequence = sequence
        self.acknowledgement = acknowledgement
        self.flags = flags
        self.window = window
        self.windowScale = windowScale
        self.payloadLength = payloadLength
    }

    /// Reads the segment from a captured Ethernet frame; nil for anything
    /// that is not a well-formed TCP segment whose headers were captured.
    package static func parse(ethernetFrame frame: UnsafeRawBufferPointer) -> TCPSegment? {
        func byte(_ offset: Int) -> UInt8? { offset < frame.count ? frame[offset] : nil }
        func u16(_ offset: Int) -> UInt16? {
            guard offset + 2 <= frame.count else { return nil }
            return UInt16(frame[offset]) << 8 | UInt16(frame[offset + 1])
        }
        func u32(_ offset: Int) -> UInt32? {
            guard let high = u16(offset), let low = u16(offset + 2) else { return nil }
            return UInt32(high) << 16 | UInt32(low)
        }
        func u64(_ offset: Int) -> UInt64? {
            guard let high = u32(offset), let low = u32(offset + 4) else { return nil }
            return UInt64(high) << 32 | UInt64(low)
        }
        guard let etherType = u16(12) else { return nil }
        let ip = 14
        let tcp: Int
        let tcpLength: Int
        var source = Endpoint(high: 0, low: 0, port: 0)
        var destination = source
        switch etherType {
        case 0x0800:
            guard let versionAndLength = byte(ip), versionAndLength >> 4 == 4, byte(ip + 9) == 6,
                  let totalLength = u16(ip + 2), let fragment = u16(ip + 6), fragment & 0x1FFF == 0,
                  let from = u32(ip + 12), let to = u32(ip + 16) else { return nil }
            let headerLength = Int(versionAndLength & 0x0F) * 4
            tcp = ip + headerLength
            tcpLength = Int(totalLength) - headerLength
            source = Endpoint(high: 0xFFFF, low: UInt64(from), port: 0)
            destination = Endpoint(high: 0xFFFF, low: UInt64(to), port: 0)
        case 0x86DD:
            guard let version = byte(ip), version >> 4 == 6, byte(ip + 6) == 6, let payload = u16(ip + 4),
                  let fromHigh = u64(ip + 8), let fromLow = u64(ip + 16), let toHigh = u64(ip + 24), let toLow = u64(ip + 32) else { return nil }
            tcp = ip + 40
            tcpLength = Int(payload)
            source = Endpoint(high: fromHigh, low: fromLow, port: 0)
            destination = Endpoint(high: toHigh, low: toLow, port: 0)
        default:
            return nil
        }
        guard let sourcePort = u16(tcp), let destinationPort = u16(tcp + 2), let sequence = u32(tcp + 4), let acknowledgement = u32(tcp + 8),
              let offsetByte = byte(tcp + 12), let flagByte = byte(tcp + 13), let window = u16(tcp + 14) else { return nil }
        let headerLength = Int(offsetByte >> 4) * 4
        guard headerLength >= 20, tcpLength >= headerLength else { return nil }
        source.port = sourcePort
        destination.port = destinationPort
        let flags = Flags(rawValue: flagByte)
        var windowScale: Int?
        if flags.contains(.syn) {
            // Options: kind 0 ends them, kind 1 is one byte, the rest carry a length.
            var offset = tcp + 20
            let end = min(tcp + headerLength, frame.count)
            while offset < end {
                let kind = frame[offset]
                if kind == 0 { break }
                if kind == 1 { offset += 1; continue }
                guard offset + 1 < end else { break }
                let length = Int(frame[offset + 1])
                guard length >= 2, offset + length <= end else { break }
                if kind == 3, length == 3 { windowScale = min(14, Int(frame[offset + 2])) }
                offset += length
            }
        }
        return TCPSegment(source: source, destination: destination, sequence: sequence, acknowledgement: acknowledgement, flags: flags,
                          window: window, windowScale: windowScale, payloadLength: tcpLength - headerLength)
    }
}
