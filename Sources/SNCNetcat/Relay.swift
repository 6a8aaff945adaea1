import SystemPackage
import SNCSocket
import Glibc

/// The bidirectional copy between stdin/stdout and a connected socket,
/// driven by poll(2): nc's `readwrite()` with explicit per-direction state.
///
/// - stdin → socket: on stdin's end (once everything is sent) the socket's
///   write side is shut down (shutdown(2) SHUT_WR), so the peer sees EOF and
///   can still answer; `--no-shutdown` leaves it open.
/// - socket → stdout: runs until the peer closes its side; then stdout is
///   ended at once (`LocalStreams.endOutput`), so a reader downstream sees
///   end of file while stdin is still being sent (half-close both ways).
/// - The session ends when both directions are done, or when the `-q` timer
///   or an idle timeout runs out; staged bytes are written out first.
/// - Pipes (and files, through a private pipe) move by splice(2), without
///   copying through user space; other descriptors by read(2)/write(2).
package enum Relay {
    /// Runs one session on `socket` (connected, or a bound UDP socket for
    /// `-k -u`). The socket is borrowed: its owner closes it.
    ///
    /// - Parameters:
    ///   - peerName: how messages name the peer ("127.0.0.1 port 5555 (tcp)").
    ///   - datagram: the peer of a UDP or Unix datagram socket; nil for streams.
    ///   - initialInbound: bytes already received (a UDP listener's first datagram).
    package static func run(
        socket: borrowing Socket,
        local: LocalStreams,
        options: SessionOptions,
        log: SessionLog?,
        peerName: String,
        datagram: DatagramPeerInfo? = nil,
        initialInbound: [UInt8] = []
    ) -> RelayOutcome {
        let peer = datagram.map { DatagramPeer(connected: $0.connected, address: $0.address, accepts: $0.accepts, announce: $0.announce) }
        let isStream = peer == nil
        let copies = options.needsCopying || !isStream

        let outboundStaging = local.outboundStaging ?? outboundStaging(for: local, copies: copies, datagram: !isStream)
        // stdin that ended in an earlier session (-k) may still have bytes
        // staged that the earlier peer never took: this peer gets them.
        let outboundState: RelayDirection.State = !options.readsInput ? .closed
            : local.inputEnded ? (outboundStaging.pendingCount > 0 ? .draining : .closed) : .open
        let outbound = RelayDirection(
            localName: "stdin", networkEnd: .sink, local: local.input, localKind: local.inputKind,
            staging: outboundStaging,
            state: outboundState,
            datagram: peer, crlf: options.crlf, log: log)
        let inboundStaging = inboundStaging(for: local, copies: copies || !options.writesOutput, datagram: !isStream)
        let inbound = RelayDirection(
            localName: "stdout", networkEnd: .source, local: local.output, localKind: local.outputKind,
            staging: inboundStaging, state: .open,
            discards: !options.writesOutput, datagram: peer, log: log)
        if !initialInbound.isEmpty, case .memory(let buffer) = inboundStaging {
            initialInbound.withUnsafeBytes { buffer.append($0) }
            if let log { initialInbound.withUnsafeBytes { _ = try? log.record($0) } }
        }
        // stdin that ended in an earlier session (-k) ends this one's outbound at once.
        let outboundEndedBefore = options.readsInput && local.inputEnded
        defer {
            // Kept for the next session: it may hold stdin bytes this peer never took.
            if case .direct = outbound.staging {} else { local.outboundStaging = outbound.staging }
            if outbound.reachedEnd { local.inputEnded = true }
        }

        var loop = RelayLoop(outbound: outbound, inbound: inbound, options: options, isStream: isStream,
                             outboundEndedBefore: outboundEndedBefore, local: local)
        let ending = loop.run(socket)
        inbound.flush(socket)
        if isStream, ending == .quitAfterInputEnded || (ending == .completed && options.endsWhenInputSent) {
            // Leaving before the peer closes: let what was sent arrive before the close.
            socket.drainBeforeClose(timeoutMilliseconds: 5000)
        }

        if let error = outbound.logFailure ?? inbound.logFailure { return .failed(error) }
        for direction in [inbound, outbound] {
            switch direction.failure {
            case .network(let error): return .failed(.connectionLost(peer: peerName, error: error))
            case .local(let error): return .failed(.localStream(name: direction.localName, error: error))
            case nil: continue
            }
        }
        return ending
    }

    /// Splice when stdin is a pipe (directly) or a file or socket (through a
    /// private pipe); copy for terminals, character devices, datagrams and
    /// anything that needs the bytes in user space.
    private static func outboundStaging(for local: LocalStreams, copies: Bool, datagram: Bool) -> Staging {
        if datagram { return .memory(ByteBuffer(capacity: RelayDirection.datagramCapacity)) }
        if !copies {
            switch local.inputKind {
            case .pipe: return .direct
            case .regularFile, .socket: if let stage = try? PipeStage() { return .kernelPipe(stage) }
            default: break
            }
        }
        return .memory(ByteBuffer(capacity: RelayDirection.memoryCapacity))
    }

    private static func inboundStaging(for local: LocalStreams, copies: Bool, datagram: Bool) -> Staging {
        if datagram { return .memory(ByteBuffer(capacity: RelayDirection.datagramCapacity)) }
        if !copies {
            switch local.outputKind {
            case .pipe: return .direct
            case .regularFile where !local.outputAppends, .socket: if let stage = try? PipeStage() { return .kernelPipe(stage) }
            default: break
            }
        }
        return .memory(ByteBuffer(capacity: RelayDirection.memoryCapacity))
    }
}

/// The datagram peer a session starts with, for `Relay.run`.
package struct DatagramPeerInfo {
    /// Whether the socket is connected to the peer (nc's way), or replies go
    /// to whoever sent last (`-k -u`).
    package var connected: Bool
    package var address: SocketAddress?
    /// Whether datagrams from this sender are taken (`--allow`/`--deny`); others are dropped.
    package var accepts: (SocketAddress) -> Bool
    /// Called with each new sender of an unconnected socket.
    package var announce: (SocketAddress) -> Void

    package init(
        connected: Bool,
        address: SocketAddress? = nil,
        accepts: @escaping (SocketAddress) -> Bool = { _ in true },
        announce: @escaping (SocketAddress) -> Void = { _ in }
    ) {
        self.connected = connected
        self.address = address
        self.accepts = accepts
        self.announce = announce
    }
}

/// The poll loop of one relay session.
private struct RelayLoop {
    let outbound: RelayDirection
    let inbound: RelayDirection
    let options: SessionOptions
    let isStream: Bool
    let outboundEndedBefore: Bool
    let local: LocalStreams

    private var outboundFinished = false
    private var inboundFinished = false
    private var quitDeadline: Deadline?
    private var lastActivity = MonotonicClock.now()
    private var descriptors = PollSet()

    init(outbound: RelayDirection, inbound: RelayDirection, options: SessionOptions, isStream: Bool, outboundEndedBefore: Bool,
         local: LocalStreams) {
        self.local = local
        self.outbound = outbound
        self.inbound = inbound
        self.options = options
        self.isStream = isStream
        self.outboundEndedBefore = outboundEndedBefore
    }

    mutating func run(_ socket: borrowing Socket) -> RelayOutcome {
        while true {
            settle(socket)
            if inbound.state == .closed && outbound.state == .closed { return .completed }
            if options.endsWhenInputSent && outbound.state == .closed { return .completed }
            if options.endsWhenPeerCloses && inbound.state == .closed { return .completed }
            if let quitDeadline, quitDeadline.hasPassed { return .quitAfterInputEnded }

            let progressing = outbound.canProgress || inbound.canProgress
            if !progressing, let idle = options.idleTimeout, idleDeadline(idle).hasPassed { return .idleTimedOut }
            let timeout = progressing ? 0 : pollTimeout()
            let ready: Int
            do {
                ready = try wait(socket, timeoutMilliseconds: timeout)
            } catch {
                // poll(2) itself failing (ENOMEM) leaves nothing to wait with.
                inbound.networkLost(nil)
                outbound.networkLost(nil)
                return .failed(.system(error))
            }
            if ready == 0 && timeout != 0 {
                continue // a deadline may have passed; the checks above decide
            }
            if outbound.pump(socket) + inbound.pump(socket) > 0 { lastActivity = MonotonicClock.now() }
        }
    }

    /// Acts on state changes: the peer's end of data (stdout ends), stdin's
    /// end (shutdown and the `-q` timer) and a lost connection (which stops
    /// the other direction too).
    private mutating func settle(_ socket: borrowing Socket) {
        if !inboundFinished, inbound.state == .closed {
            inboundFinished = true
            // Everything the peer sent is written: nothing more can come, so
            // the reader of stdout may finish (`snc -l 7000 | tar x`) while
            // stdin goes on to the peer. Not after a failure: the session
            // ends then anyway, and says why.
            if isStream, inbound.reachedEnd, inbound.failure == nil, options.endsOutputWhenPeerFinishes {
                local.endOutput()
            }
        }
        if case .network = inbound.failure, outbound.state != .closed { outbound.networkLost(nil) }
        // A reset or a closed peer on the send side still leaves the peer's
        // last reply in the receive queue: inbound reads on to its own EOF
        // or error. Any other send failure may leave the connection up with
        // nothing more to come, so it ends inbound too.
        if case .network(let error) = outbound.failure, inbound.state == .open,
           !(isStream && (error.errno == .connectionReset || error.errno == .brokenPipe)) {
            inbound.networkLost(nil)
        }
        guard !outboundFinished, outbound.state == .closed else { return }
        outboundFinished = true
        // The peer sees EOF (unless --no-shutdown or a datagram socket).
        guard outbound.endPeerInput(socket, endedEarlier: outboundEndedBefore, halfCloses: options.halfCloses && isStream) else {
            return
        }
        if let seconds = options.quitAfterInputEnds, seconds >= 0 {
            quitDeadline = Deadline(seconds: seconds)
        }
    }

    private func idleDeadline(_ seconds: Double) -> Deadline {
        Deadline(seconds: seconds, after: lastActivity)
    }

    /// How long poll may sleep: until the `-q` or idle deadline, or forever.
    private func pollTimeout() -> Int32 {
        Deadline.pollTimeout(quitDeadline, options.idleTimeout.map(idleDeadline))
    }

    /// poll(2) on stdin, the socket and stdout for what the directions wait for.
    private mutating func wait(_ socket: borrowing Socket, timeoutMilliseconds: Int32) throws(SyscallError) -> Int {
        var socketEvents: PollEvents = []
        if inbound.wantsSource { socketEvents.insert(.readable) }
        if outbound.wantsSink { socketEvents.insert(.writable) }
        // A descriptor with nothing to wait for is left out (-1), or its
        // POLLHUP would wake the loop over and over.
        descriptors.removeAll()
        let input = descriptors.add(outbound.local, waitingFor: .readable, if: outbound.wantsSource)
        let network = descriptors.add(socket.descriptor, waitingFor: socketEvents)
        let output = descriptors.add(inbound.local, waitingFor: .writable, if: inbound.wantsSink)
        if timeoutMilliseconds < 0 && descriptors.isEmpty {
            // Nothing can ever wake us: a bug, not a reason to hang.
            inbound.networkLost(nil)
            outbound.networkLost(nil)
            return 0
        }
        let ready = try descriptors.wait(timeoutMilliseconds: timeoutMilliseconds)
        guard ready > 0 else { return 0 }
        if !descriptors.reported(input).isEmpty { outbound.sourceReady = true }
        if descriptors.isReady(network, for: .readable) && inbound.wantsSource { inbound.sourceReady = true }
        if descriptors.isReady(network, for: .writable) && outbound.wantsSink { outbound.sinkReady = true }
        if !descriptors.reported(output).isEmpty { inbound.sinkReady = true }
        return ready
    }
}
