import SNCSSH
import SNCSocket

/// `-J` / `ProxyJump`: the session runs inside a direct-tcpip channel of the
/// last jump host's session, which runs inside the one before it, down to
/// the first hop's TCP socket. All of it is in this process, on the thread
/// that will own the session (libssh2 sessions are not thread-safe; the
/// inner session's send and receive callbacks call the outer one's channel).
extension SSHConnector {
    /// How deep jump hosts may nest. A config whose hops jump through each
    /// other would otherwise recurse without end (ssh starts process after
    /// process); no real path needs this many.
    static let maximumJumpDepth = 16

    func openThroughJumpHosts(_ hops: [JumpHost], deadline: Deadline?) throws(ForwardError) -> SSHLink {
        let last = hops[hops.count - 1]
        guard jumpDepth < Self.maximumJumpDepth else {
            throw .usage("more than \(Self.maximumJumpDepth) nested jump hosts, the last \(last.host): does ProxyJump loop?")
        }
        let hopConfiguration: HostConfiguration
        do {
            hopConfiguration = try configuration.jumpHost(last, reachedThrough: hops.dropLast())
        } catch {
            throw .usage(error.description)
        }
        log.debug("Connecting to jump host \(last.host) for \(configuration.hostName) port \(configuration.port)")
        var hop = SSHConnector(
            configuration: hopConfiguration,
            prompter: unattended ? Prompter(batchMode: true) : Prompter(batchMode: hopConfiguration.batchMode), log: log)
        // As `ssh -W` for a hop: a key ssh would go on with under
        // StrictHostKeyChecking=no carries the hop; the destination's own
        // check still decides whether anything is forwarded.
        hop.allowsUntrustedHostKey = true
        hop.unattended = unattended
        hop.jumpDepth = jumpDepth + 1
        let hopLink: SSHLink
        do {
            hopLink = try hop.connect().link
        } catch {
            // A usage error names its file, line or value already.
            if case .usage = error { throw error }
            throw .jumpHost(hop: last.host, error: error)
        }
        guard let hopSession = hopLink.session else {
            throw .jumpHost(hop: last.host, error: .connectionLost(host: hopConfiguration.hostName, reason: "no session"))
        }
        let target = "\(configuration.hostName) port \(configuration.port)"
        let channel: SSHChannel
        do {
            let message = TunnelConnection.directTCPIPMessage(host: configuration.hostName, port: configuration.port, originator: nil)
            let defaults = TunnelSettings()
            channel = try SessionDriver.run(hopSession, deadline: deadline) { () throws(SSHError) in
                try hopSession.openChannel(
                    type: "direct-tcpip", windowSize: defaults.channelWindow, packetSize: defaults.maximumPacket, message: message)
            }
        } catch {
            if error.isTimeout { throw .connectTimeout(host: configuration.hostName, port: configuration.port) }
            let failure: ForwardError = error.isDisconnect
                ? .connectionLost(host: hopConfiguration.hostName, reason: error.reason)
                : .channelOpenFailed(target: target, reason: error.channelRefusalReason)
            throw .jumpHost(hop: last.host, error: failure)
        }
        log.debug("channel to \(target) open through jump host \(last.host)")
        hopSession.configureKeepalive(intervalSeconds: hopConfiguration.serverAliveInterval)
        do {
            return SSHLink(through: hopLink, session: try SSHSession(over: channel, name: "jump host \(last.host)"))
        } catch {
            throw .ssh(error)
        }
    }
}
