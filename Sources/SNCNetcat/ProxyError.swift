import SNCSocket

/// A proxy that would not or could not connect snc to its destination,
/// worded as one line naming the proxy and what it answered:
/// `proxy 127.0.0.1:1080 (SOCKS5): CONNECT localhost:80 refused: connection refused by destination host`.
package struct ProxyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// "127.0.0.1:1080", as `ProxySpec.name`.
    package let proxy: String
    package let kind: ProxyProtocol
    package let reason: Reason

    package init(proxy: String, kind: ProxyProtocol, reason: Reason) {
        self.proxy = proxy
        self.kind = kind
        self.reason = reason
    }

    package enum Reason: Error, Sendable, Equatable {
        /// The connection to the proxy itself failed (the connect message, as nc words it).
        case unreachable(String)
        /// End of stream in the middle of the handshake; `received` is what came of the message.
        case closed(received: [UInt8])
        /// No complete answer within the handshake time.
        case timedOut(seconds: Double)
        /// Bytes that are not the protocol's answer.
        case garbage([UInt8])
        /// The proxy answered, and the answer is no: its words (a SOCKS reply in words, an HTTP status line).
        case refused(destination: String, answer: String)
        /// SOCKS5: none of the offered authentication methods suits the proxy.
        case noAcceptableMethod(offeredPassword: Bool)
        /// SOCKS5 (RFC 1929): the proxy turned down the user name and password.
        case authenticationFailed(user: String)
        /// A password was needed and neither `--proxy-auth`, SNC_PROXY_PASSWORD nor a terminal gave one.
        case noPassword(user: String)
        /// The HTTP answer's header went past the limit without ending.
        case headerTooLarge(limit: Int)
        /// What the protocol cannot carry: an IPv6 destination over SOCKS4, a name over 255 bytes.
        case unsupportedDestination(String)
        /// A system call failed during the handshake.
        case system(SyscallError)
    }

    package var description: String {
        "proxy \(proxy) (\(kind.displayName)): \(reasonText)"
    }

    private var reasonText: String {
        switch reason {
        case .unreachable(let message):
            message
        case .closed(let received):
            received.isEmpty
                ? "closed the connection during the handshake"
                : "closed the connection in the middle of its answer, after \(Self.printable(received))"
        case .timedOut(let seconds):
            "no complete answer within \(Self.seconds(seconds)) s"
        case .garbage(let bytes):
            "answered something that is not \(kind.displayName): \(Self.printable(bytes))"
        case .refused(let destination, let answer):
            "CONNECT \(destination) refused: \(answer)"
        case .noAcceptableMethod(let offeredPassword):
            offeredPassword
                ? "accepts none of the offered authentication methods (none, username/password)"
                : "requires authentication (give a user with -P USER or --proxy-auth USER:PASS)"
        case .authenticationFailed(let user):
            "user name and password for \(user) refused"
        case .noPassword(let user):
            "a password for \(user) is needed: set SNC_PROXY_PASSWORD, use --proxy-auth USER:PASS, or run on a terminal"
        case .headerTooLarge(let limit):
            "answer header longer than \(limit) bytes"
        case .unsupportedDestination(let what):
            what
        case .system(let error):
            error.description
        }
    }

    /// Up to 48 bytes from outside, quoted, with everything but printable
    /// ASCII as `\xHH`, so an answer cannot drive the terminal or break the line.
    package static func printable(_ bytes: [UInt8]) -> String {
        var text = "\""
        for byte in bytes.prefix(48) {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                text += "\\" + String(UnicodeScalar(byte))
            case 0x20...0x7E:
                text.append(Character(UnicodeScalar(byte)))
            default:
                let hex = String(byte, radix: 16)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        text += "\""
        if bytes.count > 48 { text += "..." }
        return text
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
