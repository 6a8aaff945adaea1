import SNCSSH
import SNCSocket
import Synchronization
import Glibc

/// The poll loop for one SSH session. It owns the session, every channel on
/// it and every local connection assigned to it, on one thread (libssh2 has
/// no locking). It relays bytes both ways with bounded buffers, opens one
/// direct-tcpip channel at a time, and notices a dead server.
final class TunnelWorker {
    private let link: SSHLink
    /// Borrowed from `link`, which is its only strong owner outside channels:
    /// when the link goes, it frees the session first and closes the socket
    /// after. A strong reference here would let the session outlive the socket
    /// (stored properties are destroyed after the link's socket is closed) and
    /// drain/disconnect/free on a closed, possibly reused, descriptor.
    private unowned let session: SSHSession
    private let settings: TunnelSettings
    private let log: ForwardLog
    private let hostName: String
    /// Listening sockets this worker accepts on (only the first worker has them).
    private var listeners: [TunnelListener]
    /// Other workers' mailboxes, for spreading accepted connections (`--sessions`).
    var peers: [TunnelMailbox] = []
    let mailbox: TunnelMailbox
    private let stop: StopSignal

    private var connections: [TunnelConnection] = []
    /// Connections (or a liveness probe) waiting for a channel; the first one's open is in flight.
    private var openQueue: [PendingOpen] = []
    private var openAttemptedAt: UInt64 = .max
    /// Channels being closed (libssh2_channel_free waits for the server's close).
    private var closing: [SSHChannel] = []
    private var closingAttemptedAt: UInt64 = .max
    private var nextPeer = 0
    private var stdioMode = false
    /// poll(2) said the SSH socket has bytes (or EOF) no libssh2 call has read yet.
    private var socketReadable = false
    /// Something outside poll (a new connection, the first turn) needs a pass before sleeping.
    private var needsPump = true
    /// accept(2) ran out of descriptors or memory: the listeners are left out of
    /// poll while this is active (or until a connection of ours closes), so a
    /// readable listener that cannot be accepted does not spin the loop.
    private var acceptBackoff = AcceptBackoff()

    private enum PendingOpen {
        /// The window is fixed when the open is queued: an open that returned
        /// EAGAIN must be repeated with the same arguments, and the number of
        /// connections (which the window depends on) may change meanwhile.
        case connection(TunnelConnection, windowSize: UInt32)
        /// A channel type no server knows: the refusal proves the server is
        /// alive and makes libssh2 read the socket while no channel exists.
        case probe
    }

    init(link: SSHLink, settings: TunnelSettings, log: ForwardLog, hostName: String, listeners: [TunnelListener], stop: StopSignal) throws(ForwardError) {
        guard let session = link.session else { throw .connectionLost(host: hostName, reason: "no session") }
        self.link = link
        self.session = session
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
        while !stop.isRaised {
            try loopOnce()
        }
    }

    /// `-W`: relays stdin/stdout through one channel until both directions end.
    func runStandardIO(host: String, port: UInt16, outputWasNonBlocking: Bool) throws(ForwardError) {
        stdioMode = true
        session.configureKeepalive(intervalSeconds: settings.serverAliveInterval)
        let connection = TunnelConnection(
            id: 0, local: LocalEndpoint(standardIO: (), outputWasNonBlocking: outputWasNonBlocking), targetHost: host, targetPort: port, originator: nil,
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
        var entries: [pollfd] = []
        entries.reserveCapacity(2 + listeners.count + connections.count)
        entries.append(pollfd(fd: link.descriptor, events: session.pollEvents, revents: 0))
        entries.append(pollfd(fd: mailbox.wakeDescriptor, events: Int16(POLLIN), revents: 0))
        let listenerBase = entries.count
        // Read once, so the poll set and the timeout agree on whether it is paused.
        let acceptWait = acceptBackoff.remainingMilliseconds
        let accepting = acceptWait < 0
        for listener in listeners {
            entries.append(pollfd(fd: accepting ? listener.descriptor : -1, events: Int16(POLLIN), revents: 0))
        }
        let connectionBase = entries.count
        for connection in connections {
            var events: Int16 = 0
            if wantsLocalRead(connection) { events |= Int16(POLLIN) }
            if !connection.toLocal.isEmpty { events |= Int16(POLLOUT) }
            if stdioMode && connection.local.readDescriptor != connection.local.writeDescriptor {
                // stdin and stdout are separate descriptors: poll each for its own direction.
                entries.append(pollfd(fd: events & Int16(POLLIN) != 0 ? connection.local.readDescriptor : -1, events: Int16(POLLIN), revents: 0))
                entries.append(pollfd(fd: events & Int16(POLLOUT) != 0 ? connection.local.writeDescriptor : -1, events: Int16(POLLOUT), revents: 0))
            } else {
                entries.append(pollfd(fd: events == 0 ? -1 : connection.local.readDescriptor, events: events, revents: 0))
            }
        }
        var timeout: Int32 = timeoutMilliseconds ?? -1
        if settings.serverAliveInterval > 0 { timeout = timeout < 0 ? 1000 : min(timeout, 1000) }
        if !accepting { timeout = timeout < 0 ? acceptWait : min(timeout, acceptWait) }
        do {
            _ = try Poll.wait(&entries, timeoutMilliseconds: timeout)
        } catch {
            throw .system(error)
        }

        let sshEvents = entries[0].revents
        // Note readiness for the connections that were polled, before new ones are added.
        let perConnection = stdioMode ? 2 : 1
        for (index, connection) in connections.enumerated() {
            let first = entries[connectionBase + index * perConnection].revents
            let second = perConnection == 2 ? entries[connectionBase + index * 2 + 1].revents : first
            if first & Int16(POLLIN | POLLHUP | POLLERR) != 0 { connection.localReadable = true }
            if second & Int16(POLLOUT | POLLHUP | POLLERR) != 0 { connection.localWritable = true }
        }
        if entries[1].revents != 0 { adoptHandoffs() }
        for (index, listener) in listeners.enumerated() where entries[listenerBase + index].revents != 0 {
            if acceptBackoff.isActive { break }
            accept(from: listener)
        }
        if sshEvents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            socketReadable = true
            // The open in flight and the channels being closed wait for replies.
            openAttemptedAt = .max
            closingAttemptedAt = .max
        }
        if sshEvents & Int16(POLLOUT) != 0 {
            do { try session.flushOutbound() } catch { throw lost(error) }
        }
        try checkLiveness()
        try pump()
    }

    /// Makes libssh2 read what the server sent when no channel read did it
    /// in this pass: through any open channel (a zero-byte read processes
    /// every queued packet), or, with no channel, through a probe
    /// channel-open whose refusal libssh2 waits for.
    private func drainTransport() throws(ForwardError) {
        socketReadable = false
        if let channel = connections.first(where: { $0.channel != nil })?.channel {
            var scratch: UInt8 = 0
            do {
                _ = try withUnsafeMutableBytes(of: &scratch) { raw throws(SSHError) in try channel.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<0])) }
            } catch {
                if error.isDisconnect { throw lost(error) }
            }
        } else if openQueue.isEmpty && closing.isEmpty {
            openQueue.append(.probe)
            openAttemptedAt = .max
        }
    }

    /// ServerAliveInterval: after that long without a byte from the server,
    /// ask it something (a probe open); after interval × count, give up.
    private func checkLiveness() throws(ForwardError) {
        let interval = settings.serverAliveInterval
        guard interval > 0 else { return }
        let silentNanoseconds = MonotonicClock.now() &- session.lastReceivedNanoseconds
        // Saturating: a config may say ServerAliveInterval up to INT_MAX seconds.
        let limitSeconds = interval.saturatingMultiplied(by: max(settings.serverAliveCountMax, 1))
        if silentNanoseconds > UInt64(limitSeconds.saturatingMultiplied(by: 1_000_000_000)) {
            throw .serverSilent(host: hostName, seconds: limitSeconds)
        }
        if silentNanoseconds > UInt64(interval.saturatingMultiplied(by: 1_000_000_000)) && openQueue.isEmpty {
            log.debug("no data from server for \(silentNanoseconds / 1_000_000_000)s: probing", level: 2)
            openQueue.append(.probe)
            openAttemptedAt = .max
        }
    }

    // MARK: Doing the work

    /// Moves every byte that can move now, until nothing changes.
    private func pump() throws(ForwardError) {
        needsPump = false
        for _ in 0..<8 {
            let before = session.bytesReceived
            if socketReadable && openQueue.isEmpty && !connections.contains(where: { $0.channel != nil && $0.toLocal.hasSpace && !$0.remoteReadClosed }) {
                // No channel read or open will look at the socket in this pass.
                try drainTransport()
            }
            try pumpOpen()
            var finished: [Int] = []
            for (index, connection) in connections.enumerated() where connection.channel != nil {
                if try relay(connection) { finished.append(index) }
            }
            for index in finished.reversed() { retire(connections.remove(at: index)) }
            try pumpClosing()
            if settings.serverAliveInterval > 0 && session.pendingOutboundBytes == 0 {
                do { _ = try session.sendKeepaliveIfDue() } catch { throw lost(error) }
            }
            do { try session.flushOutbound() } catch { throw lost(error) }
            if session.bytesReceived == before { break }
        }
    }

    /// Drives the one channel-open in flight, repeating the call with the
    /// same arguments until the server answers.
    private func pumpOpen() throws(ForwardError) {
        while let pending = openQueue.first {
            if openAttemptedAt == session.bytesReceived { return }
            socketReadable = false
            let result: IOResult<SSHChannel>
            do {
                switch pending {
                case .probe:
                    result = try session.openChannel(type: "keepalive@snc", windowSize: 32768, packetSize: 32768, message: [])
                case .connection(let connection, let windowSize):
                    result = try session.openChannel(
                        type: "direct-tcpip", windowSize: windowSize, packetSize: settings.maximumPacket,
                        message: connection.openMessage)
                }
            } catch {
                openQueue.removeFirst()
                openAttemptedAt = .max
                if error.isDisconnect { throw lost(error) }
                switch pending {
                case .probe:
                    log.debug("probe answered: server alive", level: 2)
                case .connection(let connection, _):
                    try refuse(connection, error: error)
                }
                continue
            }
            switch result {
            case .wouldBlock:
                openAttemptedAt = session.bytesReceived
                return
            case .done(let channel):
                openQueue.removeFirst()
                openAttemptedAt = .max
                switch pending {
                case .probe:
                    // A server that accepted our made-up channel type: close it again.
                    closing.append(channel)
                case .connection(let connection, _):
                    connection.channel = channel
                    log.debug("channel \(connection.id): open confirmed to \(connection.targetHost) port \(connection.targetPort)")
                }
            }
        }
    }

    /// The server refused the channel (nothing listening there, or not
    /// allowed): close just this local connection and say why.
    private func refuse(_ connection: TunnelConnection, error: SSHError) throws(ForwardError) {
        var reason = error.message
        if let open = reason.firstIndex(of: "("), let close = reason.lastIndex(of: ")"), open < close {
            reason = String(reason[reason.index(after: open)..<close])
        }
        if stdioMode {
            throw .channelOpenFailed(target: "\(connection.targetHost) port \(connection.targetPort)", reason: reason)
        }
        // ssh prints the server's reason too ("connect failed: Connection
        // refused"); libssh2 1.10 keeps only the reason code's name, the
        // same for a refused and an unresolvable target, so snc names the
        // target instead and says what it did to the local client.
        log.warn("channel \(connection.id): open failed: \(reason): \(connection.targetHost) port \(connection.targetPort); local connection reset")
        connection.local.resetOnClose()
        connections.removeAll { $0 === connection }
        acceptBackoff.wake()
    }

    /// One connection's turn: local → channel, channel → local, EOFs.
    /// Returns true when the connection is finished.
    private func relay(_ connection: TunnelConnection) throws(ForwardError) -> Bool {
        guard let channel = connection.channel else { return false }
        do {
            // Local → buffer.
            if wantsLocalRead(connection) && connection.localReadable {
                try readLocal(connection)
            }
            // Buffer → channel, while libssh2's send buffer is not too full.
            while !connection.toRemote.isEmpty && session.pendingOutboundBytes < settings.outboundHighWater
                && connection.writeBlockedAt != session.bytesReceived {
                switch try channel.write(connection.toRemote.readable) {
                case .done(let count) where count > 0:
                    connection.toRemote.didRead(count)
                    connection.writeBlockedAt = .max
                default:
                    // The server's window is closed; a window adjust will arrive as new bytes.
                    connection.writeBlockedAt = session.bytesReceived
                }
                if connection.writeBlockedAt != .max { break }
            }
            if connection.localReadClosed && connection.toRemote.isEmpty && !connection.eofSent {
                if case .done = try channel.sendEOF() {
                    connection.eofSent = true
                    log.debug("channel \(connection.id): local EOF, sent EOF")
                }
            }
            // Channel → buffer → local.
            while !connection.remoteReadClosed && connection.toLocal.hasSpace
                && (connection.readIdleAt != session.bytesReceived || socketReadable) {
                let space = connection.toLocal.writable
                socketReadable = false
                switch try channel.read(into: space) {
                case .done(0):
                    if channel.receivedEOF {
                        connection.remoteReadClosed = true
                        log.debug("channel \(connection.id): remote EOF")
                    } else {
                        connection.readIdleAt = session.bytesReceived
                    }
                case .done(let count):
                    connection.toLocal.didWrite(count)
                    // libssh2 drained the socket first and copies every queued packet
                    // of this channel that fits: a short read means none is left.
                    if count < space.count {
                        if channel.receivedEOF {
                            // The EOF came in with the last data: nothing will wake us for it.
                            connection.remoteReadClosed = true
                            log.debug("channel \(connection.id): remote EOF")
                        } else {
                            connection.readIdleAt = session.bytesReceived
                        }
                    }
                case .wouldBlock:
                    connection.readIdleAt = session.bytesReceived
                }
                if !connection.toLocal.isEmpty { try writeLocal(connection) }
            }
            if !connection.toLocal.isEmpty && connection.localWritable { try writeLocal(connection) }
            if connection.remoteReadClosed && connection.toLocal.isEmpty && !connection.localWriteClosed {
                connection.local.finishWriting()
                connection.localWriteClosed = true
            }
        } catch let error as SSHError {
            if error.isDisconnect { throw lost(error) }
            log.debug("channel \(connection.id): \(error.description)")
            return true
        } catch {
            // The local peer reset or vanished: drop this connection only.
            log.debug("channel \(connection.id): \(error)")
            return true
        }
        // With -W too: after the far side's EOF stdout is ended, and stdin is
        // still sent until it ends (half-close both ways, as ssh -W).
        return connection.isFinished
    }

    private func wantsLocalRead(_ connection: TunnelConnection) -> Bool {
        connection.channel != nil && !connection.localReadClosed && connection.toRemote.hasSpace
    }

    private func readLocal(_ connection: TunnelConnection) throws(SyscallError) {
        while connection.toRemote.hasSpace {
            let space = connection.toRemote.writable
            switch try connection.local.read(into: space) {
            case .done(0):
                connection.localReadClosed = true
                return
            case .done(let count):
                connection.toRemote.didWrite(count)
                // A short read emptied the socket's queue: let poll say when there is more.
                if count < space.count {
                    connection.localReadable = false
                    return
                }
            case .wouldBlock:
                connection.localReadable = false
                return
            }
        }
    }

    private func writeLocal(_ connection: TunnelConnection) throws(SyscallError) {
        while !connection.toLocal.isEmpty {
            switch try connection.local.write(connection.toLocal.readable) {
            case .done(let count):
                connection.toLocal.didRead(count)
            case .wouldBlock:
                connection.localWritable = false
                return
            }
        }
    }

    /// A finished connection: its channel goes to the closing list (libssh2
    /// must exchange CHANNEL_CLOSE with the server), its socket is closed.
    private func retire(_ connection: TunnelConnection) {
        // Its socket is about to close: a descriptor for the backlog.
        acceptBackoff.wake()
        if let channel = connection.channel {
            closing.append(channel)
            connection.channel = nil
        }
        log.debug("channel \(connection.id): closed")
    }

    private func pumpClosing() throws(ForwardError) {
        guard !closing.isEmpty, closingAttemptedAt != session.bytesReceived else { return }
        var index = 0
        while index < closing.count {
            do {
                if case .done = try closing[index].free() {
                    closing.remove(at: index)
                    continue
                }
            } catch {
                if error.isDisconnect { throw lost(error) }
                closing.remove(at: index)
                continue
            }
            index += 1
        }
        closingAttemptedAt = session.bytesReceived
    }

    // MARK: New connections

    private func accept(from listener: TunnelListener) {
        while true {
            let accepted: Socket.Accepted
            do throws(SyscallError) {
                switch try listener.socket.accept(nonBlocking: true) {
                case .accepted(let next): accepted = next
                case .none:
                    acceptBackoff.reset()
                    return
                case .clientGone: continue
                case .outOfDescriptors(let error): throw error
                }
            } catch {
                // Out of descriptors or memory (or worse): the client stays in
                // the backlog; stop polling the listeners for a while instead of
                // spinning on them. Said once per run of failures.
                if acceptBackoff.pause() {
                    log.warn("accept: \(error.errno.description); pausing new connections")
                }
                return
            }
            let peer = accepted.peer
            let socket = accepted.takeSocket()
            try? socket.setNoDelay(true)
            let id = TunnelConnection.nextID()
            log.debug("Connection to port \(listener.spec.port) forwarding to \(listener.spec.host) port \(listener.spec.hostPort) requested.")
            let handoff = TunnelHandoff(descriptor: socket.release(), peer: peer, spec: listener.spec, id: id)
            // Round-robin over this worker and its peers.
            let target = peers.isEmpty ? 0 : nextPeer % (peers.count + 1)
            nextPeer &+= 1
            if target == 0 {
                adopt(handoff)
            } else {
                peers[target - 1].post(handoff)
            }
        }
    }

    /// Takes on a local connection and queues its channel open.
    private func queueOpen(for connection: TunnelConnection) {
        connections.append(connection)
        openQueue.append(.connection(connection, windowSize: settings.window(forConnections: connections.count)))
    }

    private func adoptHandoffs() {
        for handoff in mailbox.take() { adopt(handoff) }
    }

    private func adopt(_ handoff: TunnelHandoff) {
        let connection = TunnelConnection(
            id: handoff.id, local: LocalEndpoint(socket: Socket(adopting: handoff.descriptor)),
            targetHost: handoff.spec.host, targetPort: handoff.spec.hostPort, originator: handoff.peer,
            bufferSize: settings.bufferSize)
        queueOpen(for: connection)
        needsPump = true
    }

    private func lost(_ error: SSHError) -> ForwardError {
        .connectionLost(host: hostName, reason: error.message.isEmpty ? error.description : error.message)
    }
}

extension TunnelConnection {
    private static let counter = Atomic<Int>(2)

    /// Channel numbers for messages, unique across workers (ssh's first forwarded channel is usually 2 or 3).
    static func nextID() -> Int { counter.add(1, ordering: .relaxed).oldValue }
}
