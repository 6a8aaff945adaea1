/// How a TLS client decides to trust the server it reached.
package enum TLSPeerCheck: Sendable, Equatable {
    /// The chain up to a trusted CA (the system store, or this PEM bundle),
    /// and the host name (or IP address) in the certificate: snc's default.
    case chain(trustFile: String?)
    /// Exactly this certificate, whoever signed it (`--ssl-fingerprint`).
    case pinned(TLSFingerprint)
    /// Anything (`--no-ssl-verify`; ncat's default).
    case none
}
