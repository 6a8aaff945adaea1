import ArgumentParser
import SNCNetcat
import SNCTLS

/// `--ssl` and its options, shared by `connect` and `listen`; each command
/// refuses the ones that belong to the other side.
struct TLSArguments: ParsableArguments {
    @Flag(name: .customLong("ssl"), help: ArgumentHelp(
        "Use TLS (OpenSSL 3, TLS 1.2 or 1.3) over the connection.",
        discussion: "As a client, snc checks the server's certificate chain and host name by default (ncat does not)."))
    var ssl = false

    @Option(name: .customLong("ssl-cert"), help: ArgumentHelp(
        "Listen: the certificate (chain) to present, PEM; without it a throwaway self-signed one is made.", valueName: "file"))
    var certificateFile: String?

    @Option(name: .customLong("ssl-key"), help: ArgumentHelp("Listen: the private key of --ssl-cert, PEM.", valueName: "file"))
    var keyFile: String?

    @Option(name: .customLong("ssl-trustfile"), help: ArgumentHelp(
        "Connect: trust the CAs in this PEM bundle instead of the system's.", valueName: "file"))
    var trustFile: String?

    @Flag(name: .customLong("no-ssl-verify"), help: "Connect: do not check the server's certificate (a warning says so).")
    var noVerify = false

    @Option(name: .customLong("ssl-servername"), help: ArgumentHelp(
        "Connect: the name sent as SNI and required in the certificate (default: HOST).", valueName: "name"))
    var serverName: String?

    @Option(name: .customLong("ssl-alpn"), help: ArgumentHelp(
        "Connect: offer these ALPN protocols, comma-separated (h2,http/1.1).", valueName: "list"))
    var alpn: String?

    @Option(name: .customLong("ssl-fingerprint"), help: ArgumentHelp(
        "Connect: accept only the certificate with this SHA-256 fingerprint, whoever signed it.",
        discussion: "SHA256:BASE64 as snc listen --ssl prints it, or the hex that openssl x509 -fingerprint -sha256 prints.",
        valueName: "SHA256:..."))
    var fingerprint: String?

    private var clientOptionGiven: Bool { trustFile != nil || noVerify || serverName != nil || alpn != nil || fingerprint != nil }

    /// The checked client options, nil without `--ssl`.
    func clientOptions(timeout: Double?) throws(NetcatUsageError) -> TLSOptions? {
        guard ssl else {
            if clientOptionGiven || certificateFile != nil || keyFile != nil { throw NetcatUsageError("the --ssl-* options need --ssl") }
            return nil
        }
        if certificateFile != nil || keyFile != nil { throw NetcatUsageError("--ssl-cert and --ssl-key are for snc listen") }
        var options = TLSOptions()
        let checks = [trustFile != nil, noVerify, fingerprint != nil].filter { $0 }.count
        if checks > 1 { throw NetcatUsageError("use only one of --ssl-trustfile, --no-ssl-verify and --ssl-fingerprint") }
        if let fingerprint {
            guard let parsed = TLSFingerprint(parsing: fingerprint) else {
                throw NetcatUsageError("--ssl-fingerprint: not a SHA-256 fingerprint (SHA256:BASE64 or 64 hex digits): \(fingerprint)")
            }
            options.peerCheck = .pinned(parsed)
        } else if noVerify {
            options.peerCheck = .none
        } else {
            options.peerCheck = .chain(trustFile: trustFile)
        }
        if let serverName {
            if serverName.isEmpty { throw NetcatUsageError("--ssl-servername: empty name") }
            options.serverName = serverName
        }
        if let alpn {
            let names = alpn.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if names.contains(where: { $0.isEmpty || $0.utf8.count > 255 }) {
                throw NetcatUsageError("--ssl-alpn: protocol names must be 1 to 255 bytes, comma-separated: \(alpn)")
            }
            options.alpn = names
        }
        if let timeout { options.handshakeTimeout = timeout }
        return options
    }

    /// The checked server options, nil without `--ssl`.
    func serverOptions(timeout: Double?) throws(NetcatUsageError) -> TLSOptions? {
        guard ssl else {
            if clientOptionGiven || certificateFile != nil || keyFile != nil { throw NetcatUsageError("the --ssl-* options need --ssl") }
            return nil
        }
        if clientOptionGiven {
            throw NetcatUsageError("--ssl-trustfile, --no-ssl-verify, --ssl-servername, --ssl-alpn and --ssl-fingerprint are for snc connect")
        }
        if (certificateFile == nil) != (keyFile == nil) { throw NetcatUsageError("--ssl-cert and --ssl-key go together") }
        var options = TLSOptions()
        options.certificateFile = certificateFile
        options.keyFile = keyFile
        if let timeout { options.handshakeTimeout = timeout }
        return options
    }

    /// What TLS cannot be combined with (yet): datagrams, Unix sockets, and
    /// the options that need the plain relay's byte handling.
    static func checkCompatible(network: NetworkOptions, unix: Bool, session: SessionOptions) throws(NetcatUsageError) {
        if network.transport == .udp { throw NetcatUsageError("cannot use --ssl and -u (no DTLS)") }
        if unix { throw NetcatUsageError("cannot use --ssl and -U") }
        if session.crlf { throw NetcatUsageError("cannot use --ssl and -C") }
        if session.outputLog != nil || session.hexDumpLog != nil {
            throw NetcatUsageError("cannot use --ssl with --output or --hex-dump")
        }
        // The program and the checked transfer read the plain socket: over TLS they would bypass it.
        if session.verifies { throw NetcatUsageError("cannot use --ssl and --verify") }
        if session.program != nil { throw NetcatUsageError("cannot use --ssl with --exec or --sh-exec") }
    }
}
