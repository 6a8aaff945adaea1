import Glibc

/// A SOCKS CONNECT request as the client sent it: where the SSH server
/// should connect (a name is passed on unresolved, as ssh -D does), and
/// which protocol version the replies must speak.
package struct SOCKSRequest: Sendable, Equatable {
    package enum Version: Sendable, Equatable {
        /// SOCKS4 (IPv4 address) and SOCKS4a (a name after the user id).
        case socks4
        case socks5
    }

    package let version: Version
    package let host: String
    package let port: UInt16

    package init(version: Version, host: String, port: UInt16) {
        self.version = version
        self.host = host
        self.port = port
    }

    /// The reply once the channel is open. The bound address is all zeros,
    /// as ssh sends: the client cannot use the server's side address.
    package var grantedReply: [UInt8] {
        switch version {
        case .socks4: [0x00, 0x5A, 0, 0, 0, 0, 0, 0]
        case .socks5: SOCKSFailure.reply5(0x00)
        }
    }

    /// The reply when the channel open failed.
    package func failureReply(_ failure: SOCKSFailure) -> [UInt8] {
        switch version {
        case .socks4: SOCKSFailure.rejected4
        case .socks5: SOCKSFailure.reply5(failure.code5)
        }
    }
}

/// Why a SOCKS request could not be served, with RFC 1928's reply codes
/// (SOCKS4 has a single "rejected or failed", 0x5B).
package enum SOCKSFailure: Sendable, Equatable, CustomStringConvertible {
    case generalFailure
    case notAllowed
    case hostUnreachable
    case connectionRefused
    case commandNotSupported
    case addressTypeNotSupported

    /// RFC 1928's words, for messages.
    package var description: String {
        switch self {
        case .generalFailure: "general failure"
        case .notAllowed: "connection not allowed"
        case .hostUnreachable: "host unreachable"
        case .connectionRefused: "connection refused"
        case .commandNotSupported: "command not supported"
        case .addressTypeNotSupported: "address type not supported"
        }
    }

    var code5: UInt8 {
        switch self {
        case .generalFailure: 0x01
        case .notAllowed: 0x02
        case .hostUnreachable: 0x04
        case .connectionRefused: 0x05
        case .commandNotSupported: 0x07
        case .addressTypeNotSupported: 0x08
        }
    }

    /// A SOCKS5 reply: VER, REP, RSV, ATYP IPv4, 0.0.0.0, port 0.
    static func reply5(_ code: UInt8) -> [UInt8] { [0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0] }

    /// SOCKS4's "request rejected or failed".
    static let rejected4: [UInt8] = [0x00, 0x5B, 0, 0, 0, 0, 0, 0]

    /// The failure a refused direct-tcpip channel means, from libssh2's
    /// reason ("connect failed", "administratively prohibited"). libssh2
    /// 1.10 keeps only the reason code, not the server's description, so a
    /// refused port and an unknown host both read "connect failed".
    package init(channelRefusal reason: String) {
        switch reason {
        case "connect failed": self = .connectionRefused
        case "administratively prohibited": self = .notAllowed
        default: self = .generalFailure
        }
    }
}
