import SNCSocket
import SNCTLS
import Glibc

/// The copy between stdin/stdout and a TLS session, driven by poll(2):
/// `Relay` for `--ssl`, with the same rules for each direction.
///
/// - stdin → TLS: read(2) up to 256 KiB, SSL_write(3) it as full 16 KiB
///   records (partial writes on). At stdin's end, close_notify
///   (SSL_shutdown(3)) tells the peer the data is complete, as shutdown(2)
///   does for plain TCP, and reading goes on.
/// - TLS → stdout: SSL_read(3) until 256 KiB are decrypted or the socket is
///   empty, then one write(2). The peer's close_notify ends stdout
///   (`LocalStreams.endOutput`). A TCP end without it may be a truncation,
///   and is reported on stderr; it ends stdout too and is not a failure,
///   because ncat ends its half of a TLS session that way (shutdown(2) on
///   the socket at stdin's end, no close_notify).
/// - WANT_READ/WANT_WRITE are states: the call is retried once the socket
///   is ready, whichever call asked.
enum TLSRelay {
    /// Big reads and writes keep the per-byte cost of system calls low.
    static let bufferCapacity = 256 * 1024

    static func run(connection: TLSSession, socket: borrowing Socket, local: LocalStreams,
                    options: SessionOptions, peerName: String, reporter: Reporter) -> RelayOutcome {
        var loop = TLSRelayLoop(connection: connection, local: local, options: options, peerName: peerName, reporter: reporter)
        let outcome = loop.run(socket)
        loop.finish(socket, outcome: outcome)
        return outcome
    }
}

/// How the peer ended its data.
enum TLSPeerEnd {
    case sending
    case closeNotify
    case truncated
}

/// The state of one TLS relay session.
struct TLSRelayLoop {
    let connection: TLSSession
    let local: LocalStreams
    let options: SessionOptions
    let peerName: String
    let reporter: Reporter

    private var outbound: DirectionState
    private let outboundBuffer: ByteBuffer
    /// stdin ended, now or in an earlier `-k` session: close_notify is due once sent.
    private var inputEnded: Bool
    private var closeNotifySent = false

    private var inbound: DirectionState = .open
    private let inboundBuffer = ByteBuffer(capacity: TLSRelay.bufferCapacity)
    private var peerEnd = TLSPeerEnd.sending
    /// stdout was closed by its reader (EPIPE): what still arrives is dropped.
    private var outputGone = false

    /// What each TLS call waits for; nil: it may be tried now.
    private var readBlocked: TLSProgress?
    private var writeBlocked: TLSProgress?
    private var shutdownBlocked: TLSProgress?

    private var quitDeadline: Deadline?
    private var lastActivity = MonotonicClock.now()
    /// stdin, the socket and stdout, in that order; all idle until the first wait.
    private var descriptors = TLSRelayLoop.idleDescriptors()
    private static let stdinSlot = 0, socketSlot = 1, stdoutSlot = 2

    private static func idleDescriptors() -> PollSet {
        var set = PollSet()
        for _ in 0...stdoutSlot { set.add(-1, waitingFor: [], if: false) }
        return set
    }

    init(connection: TLSSession, local: LocalStreams, options: SessionOptions, peerName: String, reporter: Reporter) {
        self.connection = connection
        self.reporter = reporter
        self.local = local
        self.options = options
        self.peerName = peerName
        // stdin bytes an earlier -k client never took go to this one.
        if case .memory(let staged) = local.outboundStaging, staged.capacity == TLSRelay.bufferCapacity {
            outboundBuffer = staged
        } else {
            outboundBuffer = ByteBuffer(capacity: TLSRelay.bufferCapacity)
        }
        inputEnded = options.readsInput && local.inputEnded
        outbound = !options.readsInput ? .closed : inputEnded ? .draining : .open
    }

    mutating func run(_ socket: borrowing Socket) -> RelayOutcome {
        while true {
            var moved = 0
            do throws(TLSError) {
                moved += try sendOutbound()
                try endOutbound()
                moved += try receiveInbound()
            } catch {
                return .failed(.tls("TLS connection with \(peerName) failed: \(error)"))
            }
            if inbound == .draining && inboundBuffer.isEmpty { endInbound() }

            if inbound == .closed && outbound == .closed { return .completed }
            if options.endsWhenInputSent && outbound == .closed { return .completed }
            if options.endsWhenPeerCloses && inbound == .closed { return .completed }
            if let quitDeadline, quitDeadline.hasPassed { return .quitAfterInputEnded }
            if moved > 0 { lastActivity = MonotonicClock.now() }
            if moved == 0, let idle = options.idleTimeout, Deadline(seconds: idle, after: lastActivity).hasPassed {
                return .idleTimedOut
            }
            // Reading stopped at the round limit, not at an empty socket: go on at once.
            let canReadMore = inbound == .open && readBlocked == nil && inboundBuffer.freeSpace > 0
            let timeout = moved > 0 || canReadMore ? 0 : Deadline.pollTimeout(quitDeadline, options.idleTimeout.map { Deadline(seconds: $0, after: lastActivity) })
            do {
                if try !wait(socket, timeoutMilliseconds: timeout) {
                    return .failed(.tls("TLS relay with \(peerName): nothing left to wait for"))
                }
                if case .failed(let error) = try moveLocal() { return .failed(error) }
            } catch {
                return .failed(.system(error))
            }
        }
    }

    /// SSL_write(3) of what stdin gave, until it is all taken or the socket is full.
    private mutating func sendOutbound() throws(TLSError) -> Int {
        var moved = 0
        while !outboundBuffer.isEmpty && writeBlocked == nil {
            switch try connection.write(outboundBuffer.readable) {
            case .bytes(let count):
                outboundBuffer.consume(count)
                moved += count
            case .blocked(let progress):
                writeBlocked = progress
            }
        }
        return moved
    }

    /// stdin has ended and everything is sent: close_notify (unless
    /// `--no-shutdown`), then the `-q` timer.
    private mutating func endOutbound() throws(TLSError) {
        guard outbound == .draining, outboundBuffer.isEmpty else { return }
        if inputEnded && options.halfCloses && !closeNotifySent {
            guard shutdownBlocked == nil else { return }
            switch try connection.sendCloseNotify() {
            case .done: closeNotifySent = true
            case let progress: shutdownBlocked = progress; return
            }
        }
        outbound = .closed
        if inputEnded, let seconds = options.quitAfterInputEnds, seconds >= 0 { quitDeadline = Deadline(seconds: seconds) }
    }

    /// SSL_read(3) until the buffer is full or the socket has nothing more.
    private mutating func receiveInbound() throws(TLSError) -> Int {
        var moved = 0
        // Bounded, so that with output discarded stdin still gets its turn.
        var rounds = 0
        var pendingRetries = 0
        while inbound == .open && readBlocked == nil && inboundBuffer.freeSpace > 0 && rounds < 64 {
            rounds += 1
            switch try connection.read(into: inboundBuffer.writable) {
            case .bytes(let count):
                pendingRetries = 0
                moved += count
                if options.writesOutput && !outputGone { inboundBuffer.commit(count) }
            case .blocked(.wantsRead) where connection.hasPending && pendingRetries < 8:
                // A post-handshake message (a TLS 1.3 session ticket) was
                // handled and records already read ahead may wait behind it,
                // where poll(2) cannot see them: read on. Bounded, because
                // a partial record is pending too and needs the socket.
                pendingRetries += 1
            case .blocked(let progress):
                readBlocked = progress
            case .closed:
                peerEnd = .closeNotify
                inbound = .draining
            case .truncated:
                peerEnd = .truncated
                inbound = .draining
                reporter.warning("TLS: \(peerName) closed the connection without close_notify: what it sent may be truncated")
            }
        }
        return moved
    }

    /// Everything the peer sent is written: stdout ends, as after a plain TCP end.
    private mutating func endInbound() {
        inbound = .closed
        if options.endsOutputWhenPeerFinishes { local.endOutput() }
    }

    /// poll(2) on stdin, the socket and stdout; false if there is nothing to wait for.
    private mutating func wait(_ socket: borrowing Socket, timeoutMilliseconds: Int32) throws(SyscallError) -> Bool {
        var socketEvents: CInt = 0
        for blocked in [readBlocked, writeBlocked, shutdownBlocked] {
            switch blocked {
            case .wantsRead: socketEvents |= POLLIN
            case .wantsWrite: socketEvents |= POLLOUT
            case .done, nil: break
            }
        }
        let readsStdin = outbound == .open && outboundBuffer.freeSpace > 0
        descriptors.removeAll()
        descriptors.add(local.input, waitingFor: .readable, if: readsStdin)
        descriptors.add(socket.descriptor, waitingFor: PollEvents(rawValue: Int16(socketEvents)))
        descriptors.add(local.output, waitingFor: .writable, if: !inboundBuffer.isEmpty)
        if timeoutMilliseconds < 0 && descriptors.isEmpty { return false }
        guard try descriptors.wait(timeoutMilliseconds: timeoutMilliseconds) > 0 else { return true }
        if !descriptors.reported(Self.socketSlot).isEmpty {
            // Any readiness may unblock any call (a read can need a write
            // during a key update): retrying costs one more WANT_*.
            readBlocked = nil
            writeBlocked = nil
            shutdownBlocked = nil
        }
        return true
    }

    /// One read(2) from stdin and one write(2) to stdout, where poll said so.
    private mutating func moveLocal() throws(SyscallError) -> RelayOutcome? {
        if !descriptors.reported(Self.stdinSlot).isEmpty {
            do {
                switch try Descriptor.read(local.input, into: outboundBuffer.writable) {
                case .done(0):
                    inputEnded = true
                    outbound = .draining
                case .done(let count):
                    outboundBuffer.commit(count)
                    lastActivity = MonotonicClock.now()
                case .wouldBlock:
                    break
                }
            } catch {
                return .failed(.localStream(name: "stdin", error: error))
            }
        }
        if !descriptors.reported(Self.stdoutSlot).isEmpty {
            do {
                if case .done(let count) = try Descriptor.write(local.output, inboundBuffer.readable) {
                    inboundBuffer.consume(count)
                    lastActivity = MonotonicClock.now()
                }
            } catch where error.errno == .brokenPipe {
                // The reader of stdout is gone: what the peer sends goes nowhere, as in `Relay`.
                outputGone = true
                inboundBuffer.consume(inboundBuffer.count)
            } catch {
                return .failed(.localStream(name: "stdout", error: error))
            }
        }
        return nil
    }

    /// After the loop: what was received is written out, stdin's leftovers
    /// are kept for the next `-k` client, and a peer that has not been told
    /// gets close_notify before the socket closes.
    mutating func finish(_ socket: borrowing Socket, outcome: RelayOutcome) {
        if !inboundBuffer.isEmpty && !outputGone {
            try? Descriptor.writeAll(local.output, inboundBuffer.readable)
            inboundBuffer.consume(inboundBuffer.count)
        }
        local.outboundStaging = .memory(outboundBuffer)
        if inputEnded { local.inputEnded = true }
        if case .failed(.tls) = outcome { return }
        if !closeNotifySent { _ = try? connection.sendCloseNotify() }
        if outcome == .quitAfterInputEnded || (outcome == .completed && options.endsWhenInputSent) {
            // Leaving before the peer closes: let what was sent arrive before the close.
            socket.drainBeforeClose(timeoutMilliseconds: 5000)
        }
    }
}
