import SNCSocket
import SNCTLS

/// `snc connect --ssl`: the client configuration, made before connecting
/// (so a bad `--ssl-trustfile` fails first), then a handshake on each
/// connection and the relay over it.
package struct TLSClient {
    let options: TLSOptions
    let context: TLSContext
    let reporter: Reporter

    package init(options: TLSOptions, reporter: Reporter) throws(NetcatError) {
        self.options = options
        self.reporter = reporter
        do {
            context = try TLSContext.client(check: options.peerCheck, alpn: options.alpn)
        } catch {
            throw .tls(error.description)
        }
        if options.peerCheck == .none {
            reporter.warning("warning: --no-ssl-verify: the server's certificate is not checked; anyone in the path can read and change the data")
        }
    }

    /// Handshakes on `socket` (connected to `host`), checks the server as
    /// `--ssl-fingerprint` asks, then relays until the session ends.
    func relay(socket: borrowing Socket, host: String, local: LocalStreams, session: SessionOptions, peerName: String) -> RelayOutcome {
        do {
            let connection = try TLSSession(context: context, descriptor: socket.descriptor, isServer: false)
            try connection.expectServer(named: options.serverName ?? host)
            return try handshakeAndRelay(connection, socket: socket, local: local, session: session, peerName: peerName)
        } catch let error as TLSError {
            return .failed(.tls(error.description))
        } catch let error as NetcatError {
            return .failed(error)
        } catch {
            return .failed(.tls("\(error)"))
        }
    }

    private func handshakeAndRelay(_ connection: TLSSession, socket: borrowing Socket, local: LocalStreams,
                                   session: SessionOptions, peerName: String) throws(NetcatError) -> RelayOutcome {
        try TLSHandshake.perform(connection, socket: socket, timeout: options.handshakeTimeout, peerName: peerName)
        let certificate = connection.peerCertificate
        let fingerprint = certificate.map { TLSFingerprint(digest: $0.sha256) }
        if case .pinned(let expected) = options.peerCheck, fingerprint != expected {
            // Nothing has been sent yet: the pin is checked before any data moves.
            throw .tls("TLS: the certificate of \(peerName) is \(fingerprint?.description ?? "missing"), not the pinned \(expected)")
        }
        TLSSessionReport.describe(connection, certificate: certificate, reporter: reporter)
        return TLSRelay.run(connection: connection, socket: socket, local: local, options: session, peerName: peerName, reporter: reporter)
    }
}
