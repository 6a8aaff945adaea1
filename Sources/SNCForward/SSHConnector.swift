import SNCSSH
import SNCSocket
import Glibc

/// Opens SSH sessions: TCP connect (bounded by ConnectTimeout), socket
/// options for dead-peer detection, handshake with the host key algorithms
/// known_hosts asks for, host key verification, authentication.
package struct SSHConnector {
    package let configuration: HostConfiguration
    package let prompter: Prompter
    package let log: ForwardLog
    /// Whether a host key ssh would go on with under StrictHostKeyChecking=no
    /// (changed or revoked) may carry this connection: yes for a stdio tunnel
    /// (`ssh -W` goes on), no for port forwards (ssh disables them).
    package var allowsUntrustedHostKey = false
    /// Nobody may be asked anything, jump hosts included (`--reconnect`).
    var unattended = false
    /// How many jump hosts this connection is nested in (0: the destination).
    var jumpDepth = 0

    package init(configuration: HostConfiguration, prompter: Prompter, log: ForwardLog) {
        self.configuration = configuration
        self.prompter = prompter
        self.log = log
    }

    /// The first session: verifies the host key against known_hosts and asks
    /// the user whatever authentication needs.
    package func connect() throws(ForwardError) -> (link: SSHLink, hostKey: SSHHostKey, credential: Credential) {
        let verifier = HostKeyVerifier(configuration: configuration, prompter: prompter, log: log)
        let knownHosts = verifier.loadKnownHosts()
        let link = try open { session throws(ForwardError) in
            let preference = verifier.hostKeyPreference(knownHosts: knownHosts, supported: session.supportedAlgorithms(.hostKey))
            log.debug("host key algorithms: \(preference)")
            do throws(SSHError) { try session.setPreference(.hostKey, preference) } catch { throw ForwardError.ssh(error) }
        }
        guard let session = link.session, let key = session.hostKey else {
            throw .handshake(host: configuration.hostName, error: .noHostKey)
        }
        log.debug("Server host key: \(key.algorithm) \(key.fingerprint)")
        // Through a proxy there is no server address, and ssh says so in its prompt.
        let peerAddress = link.peer.map { KnownHosts.lookupName(host: $0.host, port: $0.port) } ?? "<no hostip for proxy command>"
        let trust = try verifier.verify(key, knownHosts: knownHosts, peerAddress: peerAddress)
        var authenticator = Authenticator(configuration: configuration, prompter: prompter, log: log)
        if trust == .untrusted {
            // ssh (StrictHostKeyChecking=no) disables port forwarding here;
            // with nothing left to forward, snc stops as ExitOnForwardFailure does.
            guard allowsUntrustedHostKey else {
                log.banner([
                    "Port forwarding is disabled to avoid man-in-the-middle attacks.",
                    "Error: forwarding disabled due to host key check failure",
                ])
                throw .hostKeyVerificationFailed
            }
            authenticator.allowsPasswordMethods = false
        }
        let credential = try authenticator.authenticate(session)
        return (link, key, credential)
    }

    /// Another session to the same server (`--sessions N`): its host key must
    /// be the very key the first session verified, and it logs in the way
    /// the first one did.
    package func connectAgain(expecting hostKey: SSHHostKey, credential: Credential) throws(ForwardError) -> SSHLink {
        let link = try open { session throws(ForwardError) in
            do throws(SSHError) { try session.setPreference(.hostKey, hostKey.algorithm) } catch { throw ForwardError.ssh(error) }
        }
        guard let session = link.session, session.hostKey == hostKey else {
            log.warn("the server presented a different host key on a second connection")
            throw .hostKeyVerificationFailed
        }
        var authenticator = Authenticator(configuration: configuration, prompter: prompter, log: log)
        try authenticator.authenticate(session, reusing: credential)
        return link
    }

    func open(configure: (SSHSession) throws(ForwardError) -> Void) throws(ForwardError) -> SSHLink {
        let deadline = configuration.connectTimeout > 0 ? Deadline(seconds: Double(configuration.connectTimeout)) : nil
        let link: SSHLink
        if case .jump(let hops)? = configuration.proxy {
            link = try openThroughJumpHosts(hops, deadline: deadline)
        } else {
            let connection = try connectTransport(deadline: deadline)
            let session: SSHSession
            do {
                session = try SSHSession(socket: connection.socket.descriptor)
            } catch {
                throw .ssh(error)
            }
            link = SSHLink(connection: connection, session: session)
        }
        guard let session = link.session else { throw .connectionLost(host: configuration.hostName, reason: "no session") }
        try configure(session)
        do throws(SSHError) {
            if let ciphers = configuration.ciphers {
                try session.setPreference(.cipherClientToServer, ciphers)
                try session.setPreference(.cipherServerToClient, ciphers)
            }
            if let macs = configuration.macs {
                try session.setPreference(.macClientToServer, macs)
                try session.setPreference(.macServerToClient, macs)
            }
        } catch {
            throw .usage("no cipher or MAC in that list is supported by libssh2 \(libssh2Version): \(error.message)")
        }
        do {
            try SessionDriver.run(session, deadline: deadline) { () throws(SSHError) in try session.handshake() }
        } catch {
            if error.isTimeout { throw .connectTimeout(host: configuration.hostName, port: configuration.port) }
            // A proxy that ended is why the server "closed" the connection: say how it ended.
            if let proxy = link.proxy, let exit = proxy.exitDescription(waitingMilliseconds: 1000) {
                throw .handshake(host: configuration.hostName, error: SSHError(
                    call: error.call, code: error.code,
                    message: "kex_exchange_identification: Connection closed by remote host (\(proxy.name) \(exit))"))
            }
            throw .handshake(host: configuration.hostName, error: error)
        }
        log.debug("Remote protocol version: \(session.remoteBanner ?? "?")")
        log.debug("kex: \(session.negotiated(.keyExchange) ?? "?") cipher: \(session.negotiated(.cipherClientToServer) ?? "?") MAC: \(session.negotiated(.macClientToServer) ?? "?")")
        return link
    }

    /// A TCP connection, or the socket of the ProxyCommand's process.
    /// (Jump hosts are not a transport of their own: see `openThroughJumpHosts`.)
    private func connectTransport(deadline: Deadline?) throws(ForwardError) -> TCPConnection {
        guard case .command(let command)? = configuration.proxy else { return try connectTCP(deadline: deadline) }
        // ssh runs "exec COMMAND" with the shell, so the shell does not linger.
        let expanded = HostConfiguration.expandTokens(command, [
            "h": configuration.hostName, "p": String(configuration.port), "r": configuration.user, "n": configuration.host,
        ])
        log.debug("Executing proxy command: exec \(expanded)")
        do {
            return try ProxyProcess.start(["/bin/sh", "-c", "exec " + expanded], name: "ProxyCommand")
        } catch {
            throw .system(error)
        }
    }

    /// Tries every address the host name resolves to, as ssh does.
    private func connectTCP(deadline: Deadline?) throws(ForwardError) -> TCPConnection {
        let addresses: [SocketAddress]
        do {
            addresses = try Resolver.resolve(host: configuration.hostName, port: configuration.port)
        } catch {
            throw .resolve(error)
        }
        var lastError = SyscallError("connect", code: EHOSTUNREACH)
        for address in addresses {
            log.debug("Connecting to \(configuration.hostName) [\(address.host)] port \(configuration.port).")
            do {
                let socket = try Socket(family: address.family, type: CInt(SOCK_STREAM.rawValue))
                let timeout = deadline.map { Int32(max($0.remainingMilliseconds, 1)) }
                try socket.connect(to: address, timeoutMilliseconds: timeout)
                try socket.setNonBlocking(true)
                try configureSocket(socket)
                log.debug("Connection established.")
                return TCPConnection(socket: socket, peer: address, proxy: nil)
            } catch {
                lastError = error
                if error.errno.rawValue == ETIMEDOUT, let deadline, deadline.hasPassed {
                    throw .connectTimeout(host: configuration.hostName, port: configuration.port)
                }
            }
        }
        throw .connect(host: configuration.hostName, port: configuration.port, error: lastError)
    }

    /// TCP_NODELAY for request/response latency; with ServerAliveInterval,
    /// TCP keepalive and TCP_USER_TIMEOUT so a server that vanished (no FIN,
    /// no RST) is noticed within interval × count even while we are sending.
    private func configureSocket(_ socket: borrowing Socket) throws(SyscallError) {
        try socket.setNoDelay(true)
        let interval = configuration.serverAliveInterval
        guard interval > 0 else { return }
        let count = max(configuration.serverAliveCountMax, 1)
        // Linux refuses (EINVAL) TCP_KEEPIDLE and TCP_KEEPINTVL above 32767
        // seconds and TCP_KEEPCNT above 127; a longer interval still works
        // through the SSH-level probes, so clamp rather than fail.
        let keepSeconds = CInt(clamping: min(interval, TCPOption.maximumKeepaliveSeconds))
        try socket.setOption(level: SOL_SOCKET, name: SO_KEEPALIVE, value: 1)
        try socket.setOption(level: CInt(IPPROTO_TCP), name: TCPOption.keepIdle, value: keepSeconds)
        try socket.setOption(level: CInt(IPPROTO_TCP), name: TCPOption.keepInterval, value: keepSeconds)
        try socket.setOption(level: CInt(IPPROTO_TCP), name: TCPOption.keepCount, value: CInt(clamping: min(count, TCPOption.maximumKeepaliveCount)))
        let userTimeout = interval.saturatingMultiplied(by: count).saturatingMultiplied(by: 1000)
        try socket.setOption(level: CInt(IPPROTO_TCP), name: TCPOption.userTimeout, value: CInt(clamping: userTimeout))
    }
}

/// A connected socket and the address it reached; or the socket of a proxy
/// process (no address), which comes with the process.
struct TCPConnection: ~Copyable {
    var socket: Socket
    let peer: SocketAddress?
    let proxy: ProxyProcess?
}

/// Linux TCP socket options (linux/tcp.h) by number: Glibc's module does not export all of them.
enum TCPOption {
    /// MAX_TCP_KEEPIDLE and MAX_TCP_KEEPINTVL in the kernel.
    static let maximumKeepaliveSeconds = 32767
    /// MAX_TCP_KEEPCNT in the kernel.
    static let maximumKeepaliveCount = 127
    static let keepIdle: CInt = 4
    static let keepInterval: CInt = 5
    static let keepCount: CInt = 6
    static let userTimeout: CInt = 18
}
