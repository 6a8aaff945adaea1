import Glibc

/// What snc asks the proxy to connect to: an address, or a name the proxy resolves.
package struct ProxyDestination: Sendable, Equatable {
    package enum Host: Sendable, Equatable {
        /// Four bytes, network order.
        case ipv4([UInt8])
        /// Sixteen bytes, network order.
        case ipv6([UInt8])
        /// A name for the proxy to resolve (SOCKS5 address type 3, SOCKS4a, HTTP CONNECT).
        case name(String)
    }

    package var host: Host
    package var port: UInt16

    package init(host: Host, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// The destination as an address when `text` is an IPv4 or IPv6 literal, else nil.
    package static func literal(_ text: String, port: UInt16) -> ProxyDestination? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return ProxyDestination(host: .ipv4(withUnsafeBytes(of: &v4) { Array($0) }), port: port)
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return ProxyDestination(host: .ipv6(withUnsafeBytes(of: &v6) { Array($0) }), port: port)
        }
        return nil
    }

    /// "localhost:80", "127.0.0.1:80", "[::1]:80": HTTP CONNECT's authority, and how messages name it.
    package var authority: String {
        switch host {
        case .name(let name): "\(name):\(port)"
        case .ipv4(let bytes): "\(bytes.map(String.init).joined(separator: ".")):\(port)"
        case .ipv6(let bytes): "[\(Self.text(ipv6: bytes))]:\(port)"
        }
    }

    private static func text(ipv6 bytes: [UInt8]) -> String {
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes.prefix(16)) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
