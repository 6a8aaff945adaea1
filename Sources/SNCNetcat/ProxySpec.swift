/// Where the proxy is and how to talk to it: `-x HOST[:PORT] -X 4|5|connect -P USER`
/// or `--proxy HOST[:PORT] --proxy-type ... --proxy-auth USER[:PASS] --proxy-dns ...`.
package struct ProxySpec: Sendable, Equatable {
    /// The proxy's host name or address, without brackets.
    package var host: String
    package var port: UInt16
    package var kind: ProxyProtocol
    package var dns: ProxyDNS
    /// `-P` or the user of `--proxy-auth`; nil: no authentication offered.
    package var user: String?
    /// The password of `--proxy-auth USER:PASS`; nil with a user: asked when needed.
    package var password: String?

    package init(host: String, port: UInt16, kind: ProxyProtocol, dns: ProxyDNS = .remote,
                 user: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.kind = kind
        self.dns = dns
        self.user = user
        self.password = password
    }

    /// Without a limit a proxy that accepts the connection and never answers
    /// (or answers a byte a minute) would hold snc for ever, as it holds nc;
    /// `-w` sets the limit instead.
    package static let defaultHandshakeTimeout: Double = 30

    /// "127.0.0.1:1080", "[::1]:1080": how messages name the proxy.
    package var name: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Splits `HOST[:PORT]` as nc's `-x` takes it; an IPv6 address needs
    /// brackets to carry a port (`[::1]:1080`), and a bare IPv6 address
    /// without brackets is taken whole, with the default port.
    package static func address(_ text: String, kind: ProxyProtocol) throws(NetcatUsageError) -> (host: String, port: UInt16) {
        let option = "proxy address"
        var host = text
        var portText: String?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw NetcatUsageError("\(option) invalid: \(text): missing ]") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw NetcatUsageError("\(option) invalid: \(text)") }
                portText = String(rest.dropFirst())
            }
        } else if let colon = text.firstIndex(of: ":"), text[text.index(after: colon)...].firstIndex(of: ":") == nil {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        if host.isEmpty { throw NetcatUsageError("\(option) invalid: \(text): no host") }
        guard let portText else { return (host, kind.defaultPort) }
        let port = try ArgumentValues.port(portText, numeric: true)
        return (host, port.number)
    }
}
