import SNCSocket

/// Everything `snc connect` (and nc's client mode) was asked to do.
package struct ConnectOptions: Sendable, Equatable {
    package var endpoint: NetcatEndpoint
    package var network = NetworkOptions()
    /// `-w`: seconds to wait for each connection attempt.
    package var connectTimeout: Double?
    /// `-s`: the local address to connect from.
    package var sourceAddress: String?
    /// `-p`: the local port to connect from.
    package var sourcePort: Port?
    /// `-z`: only report which ports accept connections.
    package var scan = false
    package var session = SessionOptions()
    /// `-x`/`--proxy`: reach the destination through this proxy.
    package var proxy: ProxySpec?
    /// `--ssl`: TLS over the connection; nil for plain TCP.
    package var tls: TLSOptions?

    package init(endpoint: NetcatEndpoint) {
        self.endpoint = endpoint
    }
}
