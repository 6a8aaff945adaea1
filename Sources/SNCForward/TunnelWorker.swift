import SNCSSH
import SNCSocket

/// The poll loop for one SSH session. It owns the session, every channel on
/// it and every local connection assigned to it, on one thread (libssh2 has
/// no locking). The loop is here; accepting, channel opening, relaying,
/// closing and liveness are extensions in `TunnelWorker+*.swift`.
final class TunnelWorker {
    let link: SSHLink
    /// Borrowed from `link`, which is its only strong owner outside channels:
    /// when the link goes, it frees the session first and closes the socket
    /// after. A strong reference here would let the session outlive the socket
    /// (stored properties are destroyed after the link's socket is closed) and
    /// drain/disconnect/free on a closed, possibly reused, descriptor.
    unowned let session: SSHSession
    let settings: TunnelSettings
    let log: ForwardLog
    let hostName: String
    /// Listening sockets this worker accepts on (only the first worker has them).
    let listeners: [TunnelListener]
    /// Other workers' mailboxes, for spreading accepted connections (`--sessions`).
    var peers: [TunnelMailbox] = []
    let mailbox: TunnelMailbox
    let stop: StopSignal

    var connections: [TunnelConnection] = []
    /// `-R` forwards the server agreed to (only the first worker has them).
    var remoteForwards: [RemoteForward] = []
    /// Connections (or a liveness probe) waiting for a channel; the first one's open is in flight.
    var openQueue: [PendingOpen] = []
    var openAttemptedAt: UInt64 = .max
    /// Channels being closed (libssh2_channel_free waits for the server's close).
    var closing: [SSHChannel] = []
    var closingAttemptedAt: UInt64 = .max
    var nextPeer = 0
    /// Whether a jump host under the session sends keepalives of its own.
    let jumpHostKeepalives: Bool
    /// poll(2) said the SSH socket has bytes (or EOF) no libssh2 call has read yet.
    var socketReadable = false
    /// Something outside poll (a new connection, the first turn) needs a pass before sleeping.
    var needsPump = true
    /// accept(2) ran out of descriptors or memory: the listeners are left out of
    /// poll while this is active (or until a connection of ours closes), so a
    /// readable listener that cannot be accepted does not spin the loop.
    var acceptBackoff = AcceptBackoff()
    /// The descriptors of the current round's poll(2), kept between rounds for their storage.
    private var pollSet = PollSet()

    init(link: SSHLink, settings: TunnelSettings, log: ForwardLog, hostName: String, listeners: [TunnelListener], stop: StopSignal) throws(ForwardError) {
        guard let session = link.session else { throw .connectionLost(host: hostName, reason: "no session") }
        self.link = link
        self.session = session
        self.jumpHostKeepalives = session.hasJumpHostKeepalives
        self.settings = settings
        self.log = log
        self.hostName = hostName
        self.listeners = listeners
        self.stop = stop
        do {
            mailbox = try TunnelMailbox()
        } catch {
            throw .system(error)
        }
    }

    deinit {
        // Channels hold the session; they must go before the link closes its socket.
        connections.removeAll()
        remoteForwards.removeAll()
        openQueue.removeAll()
        closing.removeAll()
    }

    // MARK: Entry points

    /// Runs until the session dies or `stop` is raised. Throws why it ended,
    /// unless it was asked to stop.
    func run() throws(ForwardError) {
        // This loop ends only on failure or when told to stop: either way the
        // process is leaving, so nothing waits for the server on the way out.
        defer { session.abandonConnection() }
        session.configureKeepalive(intervalSeconds: settings.serverAliveInterval)
        do {
            while !stop.isRaised {
                try loopOnce()
            }
        } catch {
            if settings.reconnect != nil { resetConnections(because: error.lossReason) }
            throw error
        }
        if settings.reconnect != nil { resetConnections(because: "the SSH session ended") }
    }

    /// `-W`: relays stdin/stdout through one channel until both directions end.
    func runStandardIO(host: String, port: UInt16) throws(ForwardError) {
        session.configureKeepalive(intervalSeconds: settings.serverAliveInterval)
        let connection = TunnelConnection(
            id: 0, local: LocalEndpoint(standardIO: ()), targetHost: host, targetPort: port, originator: nil,
            bufferSize: settings.bufferSize)
        queueOpen(for: connection)
        do {
            while !stop.isRaised {
                try loopOnce()
                if connections.isEmpty { break }
            }
        } catch {
            session.abandonConnection()
            throw error
        }
        // Let the channel close reach the server before the session goes.
        let deadline = Deadline(milliseconds: 2000)
        while !closing.isEmpty && !deadline.hasPassed {
            try loopOnce(timeoutMilliseconds: 100)
        }
    }

    // MARK: The loop

    private func loopOnce(timeoutMilliseconds: Int32? = nil) throws(ForwardError) {
        if needsPump { try pump() }
        // Rebuilt every round in the same storage: no allocation per wake-up.
        pollSet.removeAll()
        let sessionSlot = pollSet.add(link.descriptor, waitingFor: PollEvents(rawValue: session.pollEvents))
        let wakeSlot = pollSet.add(mailbox.wakeDescriptor, waitingFor: .readable)
        // Read once, so the poll set and the timeout agree on whether it is paused.
        let acceptWait = acceptBackoff.remainingMilliseconds
        let accepting = acceptWait < 0
        let listenerSlots = pollSet.add(contentsOf: listeners.lazy.map { $0.descriptor }, waitingFor: .readable, if: accepting)
        for connection in connections {
            // stdin and stdout are polled each for its own direction, a socket once for both.
            connection.pollSlots = pollSet.add(
                reading: connection.local.readDescriptor, if: wantsLocalRead(connection) || connection.isReadingHandshake,
                writing: connection.local.writeDescriptor, if: !connection.toLocal.isEmpty || connection.isConnectingLocally)
        }
        // Through a jump host, input an outer session has already read is
        // invisible to poll: look, but do not sleep.
        let bufferedInput = session.hasBufferedInput
        var timeout: Int32 = bufferedInput ? 0 : timeoutMilliseconds ?? -1
        if settings.serverAliveInterval > 0 || jumpHostKeepalives { timeout = timeout < 0 ? 1000 : min(timeout, 1000) }
        if !accepting { timeout = timeout < 0 ? acceptWait : min(timeout, acceptWait) }
        if let setupDeadline = earliestSetupDeadline {
            let wait = setupDeadline.remainingMilliseconds
            timeout = timeout < 0 ? wait : min(timeout, wait)
        }
        do {
            _ = try pollSet.wait(timeoutMilliseconds: timeout)
        } catch {
            throw .system(error)
        }

        let sshReadable = bufferedInput || pollSet.isReady(sessionSlot, for: .readable)
        let sshWritable = pollSet.reported(sessionSlot).contains(.writable)
        let receivedBefore = session.bytesReceived
        // Note readiness for the connections that were polled, before new ones are added.
        for connection in connections {
            guard let slots = connection.pollSlots else { continue }
            if pollSet.isReadable(slots) { connection.localReadable = true }
            if pollSet.isWritable(slots) { connection.localWritable = true }
        }
        if !pollSet.reported(wakeSlot).isEmpty { adoptHandoffs() }
        for (listener, slot) in zip(listeners, listenerSlots) where !pollSet.reported(slot).isEmpty {
            if acceptBackoff.isActive { break }
            accept(from: listener)
        }
        if sshReadable {
            socketReadable = true
            // The open in flight and the channels being closed wait for replies.
            openAttemptedAt = .max
            closingAttemptedAt = .max
        }
        if sshWritable {
            do { try session.flushOutbound() } catch { throw lost(error) }
        }
        try checkLiveness()
        expireSetups()
        try pump()
        if sshReadable && session.bytesReceived == receivedBefore {
            try checkTransportEnded()
        }
    }

    /// Moves every byte that can move now, until nothing changes.
    func pump() throws(ForwardError) {
        needsPump = false
        for _ in 0..<8 {
            let before = session.bytesReceived
            if !remoteForwards.isEmpty { try pumpRemoteAccepts() }
            pumpHandshakes()
            pumpLocalConnects()
            if socketReadable && openQueue.isEmpty
                && !connections.contains(where: { $0.isRelaying && $0.toLocal.hasSpace && $0.toLocalState == .open }) {
                // No channel read or open will look at the socket in this pass.
                try drainTransport()
            }
            try pumpOpen()
            var finished: [Int] = []
            for (index, connection) in connections.enumerated() where connection.isRelaying {
                if try relay(connection) { finished.append(index) }
            }
            for index in finished.reversed() { retire(connections.remove(at: index)) }
            try pumpClosing()
            if settings.serverAliveInterval > 0 && session.pendingOutboundBytes == 0 {
                do { _ = try session.sendKeepaliveIfDue() } catch { throw lost(error) }
            }
            if jumpHostKeepalives && session.pendingOutboundBytes == 0 {
                do { try session.sendJumpHostKeepalivesIfDue() } catch { throw lost(error) }
            }
            do { try session.flushOutbound() } catch { throw lost(error) }
            if session.bytesReceived == before { break }
        }
    }

    func lost(_ error: SSHError) -> ForwardError {
        .connectionLost(host: hostName, reason: error.reason)
    }
}
