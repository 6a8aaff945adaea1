/// The bytes of a SOCKS5 CONNECT (RFC 1928) with username/password
/// authentication (RFC 1929), built and read without any I/O so that they
/// can be tested on their own.
package enum SOCKS5Messages {
    package static let version: UInt8 = 5
    package static let noAuthentication: UInt8 = 0x00
    package static let usernamePassword: UInt8 = 0x02
    package static let noAcceptableMethod: UInt8 = 0xFF
    package static let succeeded: UInt8 = 0x00

    /// The client's greeting: "no authentication", and username/password too when a user is known.
    package static func greeting(offeringPassword: Bool) -> [UInt8] {
        offeringPassword ? [version, 2, noAuthentication, usernamePassword] : [version, 1, noAuthentication]
    }

    /// The method the proxy chose from its two-byte answer; nil if the answer is not SOCKS5.
    package static func chosenMethod(_ answer: [UInt8]) -> UInt8? {
        guard answer.count == 2, answer[0] == version else { return nil }
        return answer[1]
    }

    /// RFC 1929's request: version 1, then user and password with a length byte
    /// each. Nil if either is longer than 255 bytes.
    package static func passwordRequest(user: String, password: String) -> [UInt8]? {
        let name = Array(user.utf8), secret = Array(password.utf8)
        guard name.count <= 255, secret.count <= 255 else { return nil }
        return [1, UInt8(name.count)] + name + [UInt8(secret.count)] + secret
    }

    /// Whether RFC 1929's two-byte answer is a yes; nil if it is not such an answer.
    package static func passwordAccepted(_ answer: [UInt8]) -> Bool? {
        // RFC 1929 says version 1; some servers answer with 5, which the
        // status byte still makes clear.
        guard answer.count == 2, answer[0] == 1 || answer[0] == version else { return nil }
        return answer[1] == succeeded
    }

    /// CONNECT to `destination`. Nil if a name is empty or longer than 255 bytes.
    package static func connectRequest(_ destination: ProxyDestination) -> [UInt8]? {
        var request: [UInt8] = [version, 1, 0]
        switch destination.host {
        case .ipv4(let bytes): request += [1] + bytes
        case .ipv6(let bytes): request += [4] + bytes
        case .name(let name):
            let bytes = Array(name.utf8)
            guard !bytes.isEmpty, bytes.count <= 255 else { return nil }
            request += [3, UInt8(bytes.count)] + bytes
        }
        return request + [UInt8(destination.port >> 8), UInt8(destination.port & 0xFF)]
    }

    /// The first four bytes of the reply: VER REP RSV ATYP.
    package enum ReplyHead: Equatable, Sendable {
        /// Success; this many more bytes (address and port) follow, or nil
        /// when the next byte is a name's length (address type 3).
        case succeeded(remaining: Int?)
        /// The proxy's reply code, not 0.
        case failed(code: UInt8)
        /// Not a SOCKS5 reply.
        case invalid
    }

    package static func replyHead(_ head: [UInt8]) -> ReplyHead {
        guard head.count == 4, head[0] == version else { return .invalid }
        guard head[1] == succeeded else { return .failed(code: head[1]) }
        switch head[3] {
        case 1: return .succeeded(remaining: 4 + 2)
        case 4: return .succeeded(remaining: 16 + 2)
        case 3: return .succeeded(remaining: nil)
        default: return .invalid
        }
    }

    /// RFC 1928's reply codes in words.
    package static func replyText(_ code: UInt8) -> String {
        switch code {
        case 1: "general SOCKS server failure"
        case 2: "connection not allowed by ruleset"
        case 3: "network unreachable"
        case 4: "host unreachable"
        case 5: "connection refused by destination host"
        case 6: "TTL expired"
        case 7: "command not supported"
        case 8: "address type not supported"
        default: "unknown reply code \(code)"
        }
    }
}
