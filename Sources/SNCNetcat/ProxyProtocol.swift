/// The protocol snc speaks to a proxy: netcat-openbsd's `-X 4|5|connect`,
/// ncat's `--proxy-type socks4|socks5|http`.
package enum ProxyProtocol: String, Sendable, Equatable, CaseIterable {
    case socks4
    case socks5
    case http

    /// Both tools' spellings: nc's `4`, `5`, `connect` and ncat's names.
    package init?(spelling: String) {
        switch spelling.lowercased() {
        case "4", "socks4": self = .socks4
        case "5", "socks5": self = .socks5
        case "connect", "http": self = .http
        default: return nil
        }
    }

    /// The well-known port when `-x HOST` has none (nc's and ncat's: 1080 for SOCKS, 3128 for HTTP).
    package var defaultPort: UInt16 {
        self == .http ? 3128 : 1080
    }

    /// How messages name the protocol.
    package var displayName: String {
        switch self {
        case .socks4: "SOCKS4"
        case .socks5: "SOCKS5"
        case .http: "HTTP CONNECT"
        }
    }
}
