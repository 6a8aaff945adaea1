import SNCTLS

/// `--ssl` and its options, for `connect` (client) and `listen` (server).
package struct TLSOptions: Sendable, Equatable {
    /// Client: how the server's certificate is checked (default: chain and name).
    package var peerCheck: TLSPeerCheck = .chain(trustFile: nil)
    /// Client: `--ssl-servername`: the name sent as SNI and checked in the
    /// certificate, instead of the host connected to.
    package var serverName: String?
    /// Client: `--ssl-alpn`: protocols to offer, in order.
    package var alpn: [String] = []
    /// Server: `--ssl-cert` and `--ssl-key` (PEM); nil: a throwaway self-signed pair.
    package var certificateFile: String?
    package var keyFile: String?
    /// `-w`, else `defaultHandshakeTimeout`: a peer that stalls mid-handshake
    /// is given up after this many seconds.
    package var handshakeTimeout: Double = TLSOptions.defaultHandshakeTimeout

    /// Without `-w`, a handshake still ends: nobody waits for one for minutes.
    package static let defaultHandshakeTimeout: Double = 30

    package init() {}
}
