import SNCSocket
import SNCTLS

/// `snc listen --ssl`: the server's certificate and key, loaded (or made)
/// once before listening, then a handshake with each client.
package struct TLSServer {
    let options: TLSOptions
    let context: TLSContext
    let reporter: Reporter

    /// Loads `--ssl-cert`/`--ssl-key`, or makes a throwaway EC P-256 key and
    /// self-signed certificate and prints its fingerprint on stderr, so a
    /// client can pin it (`--ssl-fingerprint`), as ncat prints its own.
    package init(options: TLSOptions, reporter: Reporter) throws(NetcatError) {
        self.options = options
        self.reporter = reporter
        do {
            if let certificateFile = options.certificateFile, let keyFile = options.keyFile {
                context = try TLSContext.server(certificateFile: certificateFile, keyFile: keyFile)
            } else {
                let key = try TLSPrivateKey.generateP256()
                let certificate = try TLSCertificate.selfSigned(key: key, commonName: "snc")
                context = try TLSContext.server(certificate: certificate, key: key)
                reporter.warning("TLS: temporary self-signed certificate \(TLSFingerprint(digest: certificate.sha256))")
            }
        } catch {
            throw .tls(error.description)
        }
    }

    /// Handshakes with an accepted client (bounded by `-w`), then relays.
    func relay(socket: borrowing Socket, local: LocalStreams, session: SessionOptions, peerName: String) -> RelayOutcome {
        do throws(NetcatError) {
            let connection: TLSSession
            do {
                connection = try TLSSession(context: context, descriptor: socket.descriptor, isServer: true)
            } catch {
                throw NetcatError.tls(error.description)
            }
            try TLSHandshake.perform(connection, socket: socket, timeout: options.handshakeTimeout, peerName: peerName)
            TLSSessionReport.describe(connection, certificate: connection.peerCertificate, reporter: reporter)
            return TLSRelay.run(connection: connection, socket: socket, local: local, options: session, peerName: peerName, reporter: reporter)
        } catch {
            return .failed(error)
        }
    }
}
