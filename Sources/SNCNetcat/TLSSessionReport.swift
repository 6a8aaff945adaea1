import SNCTLS

/// The `-v` lines about a TLS session once its handshake is done.
enum TLSSessionReport {
    static func describe(_ connection: TLSSession, certificate: TLSCertificate?, reporter: Reporter) {
        guard reporter.verbose else { return }
        var line = "TLS: \(connection.protocolVersion), cipher \(connection.cipher)"
        if let protocolName = connection.alpnProtocol { line += ", ALPN \(protocolName)" }
        reporter.info(line)
        if let certificate {
            reporter.info("TLS peer: \(certificate.subject), \(TLSFingerprint(digest: certificate.sha256))")
        }
    }
}
