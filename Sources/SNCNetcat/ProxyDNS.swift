/// Who turns the destination's name into an address (ncat's `--proxy-dns`).
package enum ProxyDNS: String, Sendable, Equatable, CaseIterable {
    /// snc resolves the name and sends the proxy an address.
    case local
    /// The name goes to the proxy (SOCKS5, SOCKS4a, HTTP CONNECT): the default, as nc's `-x` and ncat.
    case remote
    /// snc tries first; a name it cannot resolve goes to the proxy.
    case both
    /// No lookups at all: the destination must be a numeric address.
    case none
}
