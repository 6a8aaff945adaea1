import Glibc

/// The server side of a SOCKS4, SOCKS4a or SOCKS5 handshake, up to the
/// CONNECT request, as a pure state machine over the bytes received:
/// `append` what the client sent, then call `advance` until it says
/// `.needMore`. Only CONNECT and SOCKS5's "no authentication" method are
/// served, as ssh -D serves them.
package struct SOCKSHandshake: Sendable {
    /// What the connection should do next.
    package enum Event: Sendable, Equatable {
        /// Wait for more bytes from the client.
        case needMore
        /// Send these bytes (SOCKS5's method choice) and keep reading.
        case send([UInt8])
        /// Open a channel for this request; `leftover` arrived after the
        /// request and belongs to the tunnelled stream.
        case connect(SOCKSRequest, leftover: [UInt8])
        /// Send `reply` (if any) and close: the request cannot be served.
        case fail(reply: [UInt8], reason: String)
    }

    /// The most a handshake may take before the request is complete: a
    /// SOCKS5 greeting (257) and request (262), or SOCKS4a's two strings of
    /// at most 255 bytes each after its 8 fixed bytes.
    package static let limit = 1024

    private enum Phase { case greeting, socks5Request, done }
    private var phase = Phase.greeting
    private var buffer: [UInt8] = []
    private var received = 0

    package init() {}

    /// Whether the handshake still reads from the client.
    package var wantsInput: Bool { phase != .done }

    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
        received += bytes.count
    }

    package mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    package mutating func advance() -> Event {
        guard phase != .done else { return .needMore }
        let event = parse()
        switch event {
        case .needMore:
            if received > Self.limit { return finish(.fail(reply: [], reason: "handshake longer than \(Self.limit) bytes")) }
        case .connect, .fail:
            phase = .done
        case .send:
            break
        }
        return event
    }

    private mutating func finish(_ event: Event) -> Event {
        phase = .done
        return event
    }

    private mutating func parse() -> Event {
        guard let version = buffer.first else { return .needMore }
        switch (phase, version) {
        case (.greeting, 0x04): return parseSOCKS4()
        case (.greeting, 0x05): return parseGreeting()
        case (.socks5Request, _): return parseRequest()
        default: return .fail(reply: [], reason: "not a SOCKS4 or SOCKS5 request (first byte \(version))")
        }
    }

    /// SOCKS5 greeting: VER 5, NMETHODS, METHODS.
    private mutating func parseGreeting() -> Event {
        guard buffer.count >= 2 else { return .needMore }
        let count = Int(buffer[1])
        guard buffer.count >= 2 + count else { return .needMore }
        let methods = buffer[2..<(2 + count)]
        buffer.removeFirst(2 + count)
        guard methods.contains(0x00) else {
            return .fail(reply: [0x05, 0xFF], reason: "no acceptable authentication method (snc offers none)")
        }
        phase = .socks5Request
        return .send([0x05, 0x00])
    }

    /// SOCKS5 request: VER 5, CMD, RSV, ATYP, DST.ADDR, DST.PORT.
    private mutating func parseRequest() -> Event {
        guard buffer.count >= 5 else { return .needMore }
        guard buffer[0] == 0x05 else {
            return .fail(reply: SOCKSFailure.reply5(SOCKSFailure.generalFailure.code5), reason: "bad SOCKS5 request version \(buffer[0])")
        }
        let addressLength: Int
        switch buffer[3] {
        case 0x01: addressLength = 4
        case 0x03: addressLength = 1 + Int(buffer[4])
        case 0x04: addressLength = 16
        default:
            return .fail(reply: SOCKSFailure.reply5(SOCKSFailure.addressTypeNotSupported.code5),
                         reason: "SOCKS5 address type \(buffer[3]) not supported")
        }
        guard buffer.count >= 4 + addressLength + 2 else { return .needMore }
        guard buffer[1] == 0x01 else {
            return .fail(reply: SOCKSFailure.reply5(SOCKSFailure.commandNotSupported.code5),
                         reason: "SOCKS5 command \(buffer[1]) not supported (only CONNECT)")
        }
        let address = buffer[4..<(4 + addressLength)]
        let host: String
        switch buffer[3] {
        case 0x01: host = Self.text(ipv4: address)
        case 0x04: host = Self.text(ipv6: address)
        default:
            guard let name = Self.name(address.dropFirst()) else {
                return .fail(reply: SOCKSFailure.reply5(SOCKSFailure.generalFailure.code5), reason: "bad SOCKS5 host name")
            }
            host = name
        }
        let portIndex = 4 + addressLength
        let port = UInt16(buffer[portIndex]) << 8 | UInt16(buffer[portIndex + 1])
        let leftover = Array(buffer[(portIndex + 2)...])
        buffer = []
        return .connect(SOCKSRequest(version: .socks5, host: host, port: port), leftover: leftover)
    }

    /// SOCKS4: VN 4, CD, DSTPORT, DSTIP, USERID, NUL; SOCKS4a: DSTIP
    /// 0.0.0.x (x ≠ 0), then the host name and a NUL after the user id.
    private mutating func parseSOCKS4() -> Event {
        guard buffer.count >= 8 else { return .needMore }
        guard let userEnd = buffer[8...].firstIndex(of: 0) else { return .needMore }
        let address = buffer[4..<8]
        let isSOCKS4a = address[4] == 0 && address[5] == 0 && address[6] == 0 && address[7] != 0
        var end = userEnd
        let host: String
        if isSOCKS4a {
            guard let nameEnd = buffer[(userEnd + 1)...].firstIndex(of: 0) else { return .needMore }
            guard let name = Self.name(buffer[(userEnd + 1)..<nameEnd]) else {
                return .fail(reply: SOCKSFailure.rejected4, reason: "bad SOCKS4a host name")
            }
            host = name
            end = nameEnd
        } else {
            host = Self.text(ipv4: address)
        }
        guard buffer[1] == 0x01 else {
            return .fail(reply: SOCKSFailure.rejected4, reason: "SOCKS4 command \(buffer[1]) not supported (only CONNECT)")
        }
        let port = UInt16(buffer[2]) << 8 | UInt16(buffer[3])
        let leftover = Array(buffer[(end + 1)...])
        buffer = []
        return .connect(SOCKSRequest(version: .socks4, host: host, port: port), leftover: leftover)
    }

    /// A host name as the client sent it: valid UTF-8, not empty, no
    /// control characters or spaces (no host name has them, and they would
    /// garble snc's messages).
    private static func name(_ bytes: ArraySlice<UInt8>) -> String? {
        guard !bytes.isEmpty, !bytes.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func text(ipv4 bytes: ArraySlice<UInt8>) -> String {
        bytes.map { String($0) }.joined(separator: ".")
    }

    private static func text(ipv6 bytes: ArraySlice<UInt8>) -> String {
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { raw in
            for (offset, byte) in bytes.enumerated() { raw[offset] = byte }
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil else { return "::" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
