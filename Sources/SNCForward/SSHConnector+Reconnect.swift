import SNCSSH
import SNCSocket
import Glibc

/// `--reconnect`: sessions after the first, opened with nobody to ask.
extension SSHConnector {
    /// Whether a login could work without a prompt: an agent to ask, or an
    /// identity file that exists. `--reconnect` needs one, since nobody may
    /// be there to type a password when the link comes back at 3 a.m.
    var hasUnattendedCredential: Bool {
        let agentOff = configuration.identityAgent.map { $0.lowercased() == "none" } ?? false
        if !agentOff && (getenv("SSH_AUTH_SOCK") != nil || configuration.identityAgent != nil) { return true }
        return configuration.identityPaths.contains { access($0, R_OK) == 0 }
    }

    /// A new session after the old one died: the host key is checked
    /// against known_hosts exactly as on the first connect (a changed key
    /// gets ssh's warning and is refused; nothing is asked, as under
    /// BatchMode), and the login repeats what worked the first time
    /// (agent key, or key file with the passphrase already given).
    func reconnect(reusing credential: Credential) throws(ForwardError) -> SSHLink {
        let verifier = HostKeyVerifier(configuration: configuration, prompter: Prompter(batchMode: true), log: log)
        let knownHosts = verifier.loadKnownHosts()
        var unattended = self
        unattended.unattended = true
        let link = try unattended.open { session throws(ForwardError) in
            let preference = verifier.hostKeyPreference(knownHosts: knownHosts, supported: session.supportedAlgorithms(.hostKey))
            do throws(SSHError) { try session.setPreference(.hostKey, preference) } catch { throw ForwardError.ssh(error) }
        }
        guard let session = link.session, let key = session.hostKey else {
            throw .handshake(host: configuration.hostName, error: .noHostKey)
        }
        log.debug("Server host key: \(key.algorithm) \(key.fingerprint)")
        let trust = try verifier.verify(key, knownHosts: knownHosts, peerAddress: Self.lookupName(link.peer))
        guard trust == .trusted else {
            // As on the first connect: no forwarding over an untrusted key.
            log.banner([
                "Port forwarding is disabled to avoid man-in-the-middle attacks.",
                "Error: forwarding disabled due to host key check failure",
            ])
            throw .hostKeyVerificationFailed
        }
        var authenticator = Authenticator(configuration: configuration, prompter: Prompter(batchMode: true), log: log)
        try authenticator.authenticate(session, reusing: credential)
        return link
    }

    /// known_hosts' name for the address reached.
    private static func lookupName(_ peer: SocketAddress) -> String {
        KnownHosts.lookupName(host: peer.host, port: peer.port)
    }

    /// Through a proxy process there is no server address (ssh's wording).
    private static func lookupName(_ peer: SocketAddress?) -> String {
        peer.map { KnownHosts.lookupName(host: $0.host, port: $0.port) } ?? "<no hostip for proxy command>"
    }
}
