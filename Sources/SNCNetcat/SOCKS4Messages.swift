/// The bytes of a SOCKS4 CONNECT and its SOCKS4a form, where the proxy
/// resolves the name (the address is 0.0.0.1 and the name follows the user id).
package enum SOCKS4Messages {
    package static let granted: UInt8 = 90

    /// CONNECT to an IPv4 address or, SOCKS4a, a name. Nil for an IPv6
    /// destination (SOCKS4 has no room for one) or a name with a NUL byte.
    package static func connectRequest(_ destination: ProxyDestination, user: String?) -> [UInt8]? {
        let userID = Array((user ?? "").utf8)
        guard !userID.contains(0) else { return nil }
        var request: [UInt8] = [4, 1, UInt8(destination.port >> 8), UInt8(destination.port & 0xFF)]
        switch destination.host {
        case .ipv4(let bytes):
            return request + bytes + userID + [0]
        case .ipv6:
            return nil
        case .name(let name):
            let bytes = Array(name.utf8)
            guard !bytes.isEmpty, !bytes.contains(0) else { return nil }
            request += [0, 0, 0, 1]
            return request + userID + [0] + bytes + [0]
        }
    }

    /// The eight-byte reply.
    package enum Reply: Equatable, Sendable {
        case granted
        case rejected(code: UInt8)
        case invalid
    }

    package static func reply(_ bytes: [UInt8]) -> Reply {
        // The reply's version byte is 0; a few servers put 4 there.
        guard bytes.count == 8, bytes[0] == 0 || bytes[0] == 4 else { return .invalid }
        switch bytes[1] {
        case granted: return .granted
        case 91...93: return .rejected(code: bytes[1])
        default: return .invalid
        }
    }

    package static func replyText(_ code: UInt8) -> String {
        switch code {
        case 91: "request rejected or failed"
        case 92: "request rejected: the proxy cannot reach identd on this host"
        case 93: "request rejected: identd reports a different user id"
        default: "unknown reply code \(code)"
        }
    }
}
