import SystemPackage
import SNCSocket
import Glibc

/// One direction of a relay: stdin → socket ("outbound") or socket →
/// stdout ("inbound"), with its own state and staging.
///
/// The relay's poll loop sets `sourceReady`/`sinkReady` from poll(2) and
/// calls `pump`, which moves bytes until a call would block. EAGAIN clears
/// the matching flag; it is never an error.
final class RelayDirection {
    typealias State = DirectionState

    /// Which end of this direction the network socket is.
    enum NetworkEnd { case source, sink }

    /// Why a direction stopped early.
    enum Failure {
        /// The peer reset or aborted the connection.
        case network(SyscallError)
        /// stdin or stdout failed (not a closed stdout pipe, which ends quietly).
        case local(SyscallError)
    }

    let localName: String
    let networkEnd: NetworkEnd
    /// The stdin or stdout descriptor (not owned).
    let local: CInt
    /// What the local descriptor is, and whether it is non-blocking (snc
    /// never changes that: the flag belongs to a file description it shares).
    let localKind: Descriptor.Kind
    let localIsNonBlocking: Bool
    /// nil: the socket data is read and dropped (`--send-only`).
    let discards: Bool
    let datagram: DatagramPeer?
    let crlf: Bool
    let log: SessionLog?

    var state: State
    var staging: Staging
    /// `-C`'s conversion, which remembers a CR that ended the last read.
    private var lineEndings = RelayLineEndings()
    var sourceReady = false
    var sinkReady = false
    /// The source reached end of file.
    private(set) var reachedEnd = false
    private(set) var failure: Failure?
    private(set) var logFailure: NetcatError?
    /// Bytes written to the sink, for idle timing.
    private(set) var moved = 0

    /// Bytes asked of one splice(2) call; the kernel moves what it has.
    static let spliceChunk = 1 << 20
    /// Memory staging for streams; datagrams use their maximum size.
    static let memoryCapacity = 256 << 10
    static let datagramCapacity = 65536
    /// The largest UDP payload that fits in IPv4 (65535 - 20 - 8).
    static let largestDatagram = 65507

    init(localName: String, networkEnd: NetworkEnd, local: CInt, localKind: Descriptor.Kind, staging: Staging, state: State,
         discards: Bool = false, datagram: DatagramPeer? = nil, crlf: Bool = false, log: SessionLog? = nil) {
        self.localName = localName
        self.networkEnd = networkEnd
        self.local = local
        self.localKind = localKind
        self.localIsNonBlocking = (try? Descriptor.isNonBlocking(local)) ?? false
        self.staging = staging
        self.state = state
        self.discards = discards
        self.datagram = datagram
        self.crlf = crlf
        self.log = log
        if discards { sinkReady = true }
    }

    /// Whether a second call on the local descriptor could block: poll(2)
    /// promised one read or write, not two. splice(2) with SPLICE_F_NONBLOCK
    /// never blocks on a pipe, and regular files never block at all.
    private var localMayBlock: Bool {
        if localIsNonBlocking || localKind == .regularFile { return false }
        switch staging {
        case .direct: return false
        case .kernelPipe: return localKind != .pipe
        case .memory: return true
        }
    }

    /// After a call on the local descriptor, ask poll again before the next one if it could block.
    private func usedLocal() {
        guard localMayBlock else { return }
        if networkEnd == .sink { sourceReady = false } else { sinkReady = false }
    }

    // MARK: What poll should wait for

    /// Whether poll should wait for the source to become readable.
    var wantsSource: Bool {
        state == .open && !sourceReady && hasRoom
    }

    /// Whether poll should wait for the sink to become writable.
    var wantsSink: Bool {
        guard !sinkReady, !discards, state != .closed else { return false }
        switch staging {
        // Splicing straight across needs both ends ready at once.
        case .direct: return state == .open
        case .kernelPipe(let stage): return stage.buffered > 0
        case .memory(let buffer): return !buffer.isEmpty
        }
    }

    /// Whether a pump would move something without waiting.
    var canProgress: Bool {
        guard state != .closed else { return false }
        switch staging {
        case .direct:
            return state == .open && sourceReady && sinkReady
        case .kernelPipe(let stage):
            return (state == .open && sourceReady && hasRoom) || (stage.buffered > 0 && sinkReady)
        case .memory(let buffer):
            return (state == .open && sourceReady && hasRoom) || (!buffer.isEmpty && sinkReady)
        }
    }

    private var hasRoom: Bool {
        switch staging {
        case .direct:
            return true
        case .kernelPipe(let stage):
            return !stage.full
        case .memory(let buffer):
            if let datagram {
                // One datagram at a time; and nothing to send before a peer is known.
                return buffer.isEmpty && (networkEnd == .source || datagram.connected || datagram.address != nil)
            }
            return buffer.freeSpace >= (crlf ? 2 : 1)
        }
    }

    // MARK: Moving bytes

    /// Moves bytes until something would block, the direction's state
    /// changes, or `budget` rounds pass (so the other direction gets its turn).
    /// Returns the bytes moved.
    func pump(_ socket: borrowing Socket, budget: Int = 16) -> Int {
        var total = 0
        for _ in 0..<budget {
            guard state != .closed else { break }
            let moved: Int
            switch staging {
            case .direct: moved = pumpDirect(socket)
            case .kernelPipe(let stage): moved = pumpThroughPipe(stage, socket)
            case .memory(let buffer): moved = pumpThroughMemory(buffer, socket)
            }
            if moved == 0 && !canProgress { break }
            total += moved
        }
        return total
    }

    private func pumpDirect(_ socket: borrowing Socket) -> Int {
        guard state == .open, sourceReady, sinkReady else { return 0 }
        let (source, sink) = networkEnd == .source ? (socket.descriptor, local) : (local, socket.descriptor)
        do {
            switch try Splice.move(from: source, to: sink, count: Self.spliceChunk) {
            case .done(0):
                sourceEnded()
                return 0
            case .done(let count):
                moved += count
                return count
            case .wouldBlock:
                // Either end may be the one that is not ready; poll finds out which.
                sourceReady = false
                sinkReady = false
                return 0
            }
        } catch {
            if error.errno == .invalidArgument {
                // This pair cannot be spliced; nothing was moved, so copy from here on.
                staging = .memory(ByteBuffer(capacity: Self.memoryCapacity))
                return 0
            }
            // splice(2) between stdin/stdout and the socket: its errno does not say which end failed.
            fail(error, onSocket: nil)
            return 0
        }
    }

    private func pumpThroughPipe(_ stage: PipeStage, _ socket: borrowing Socket) -> Int {
        var progress = 0
        let (source, sink) = networkEnd == .source ? (socket.descriptor, local) : (local, socket.descriptor)
        if state == .open, sourceReady, !stage.full {
            do {
                switch try Splice.move(from: source, to: stage.pipe.writeEnd, count: Self.spliceChunk) {
                case .done(0):
                    sourceEnded()
                case .done(let count):
                    stage.buffered += count
                    progress += count
                    if networkEnd == .sink { usedLocal() }
                case .wouldBlock:
                    if stage.buffered > 0 { stage.full = true } else { sourceReady = false }
                }
            } catch {
                if error.errno == .invalidArgument && stage.buffered == 0 {
                    staging = .memory(ByteBuffer(capacity: Self.memoryCapacity))
                    return progress
                }
                // The private pipe does not fail: the source did.
                fail(error, onSocket: networkEnd == .source)
            }
        }
        if stage.buffered > 0, sinkReady {
            do {
                switch try Splice.move(from: stage.pipe.readEnd, to: sink, count: stage.buffered) {
                case .done(let count):
                    stage.buffered -= count
                    stage.full = false
                    moved += count
                    progress += count
                    if networkEnd == .source { usedLocal() }
                case .wouldBlock:
                    sinkReady = false
                }
            } catch {
                if error.errno == .invalidArgument {
                    moveToMemory(stage)
                    return progress
                }
                fail(error, onSocket: networkEnd == .sink)
            }
        }
        if state == .draining && stage.buffered == 0 { state = .closed }
        return progress
    }

    /// The sink refuses splice(2) (an O_APPEND file, say) after bytes are in
    /// snc's pipe: read them back into memory and copy from now on.
    private func moveToMemory(_ stage: PipeStage) {
        let buffer = ByteBuffer(capacity: max(Self.memoryCapacity, stage.buffered))
        while stage.buffered > 0 {
            guard case .done(let count) = try? Descriptor.read(stage.pipe.readEnd, into: buffer.writable), count > 0 else { break }
            buffer.commit(count)
            stage.buffered -= count
        }
        staging = .memory(buffer)
    }

    private func pumpThroughMemory(_ buffer: ByteBuffer, _ socket: borrowing Socket) -> Int {
        var progress = 0
        if state == .open, sourceReady, hasRoom {
            do {
                switch try fill(buffer, socket) {
                case .done(let count):
                    progress += count
                    if networkEnd == .sink { usedLocal() }
                case .wouldBlock:
                    sourceReady = false
                }
            } catch {
                // fill(2) reads the socket exactly when it is this direction's source.
                fail(error, onSocket: networkEnd == .source)
            }
        }
        if !buffer.isEmpty, sinkReady {
            do {
                switch try drain(buffer, socket) {
                case .done(let count):
                    moved += count
                    progress += count
                    if networkEnd == .source && !discards { usedLocal() }
                case .wouldBlock:
                    sinkReady = false
                }
            } catch {
                fail(error, onSocket: networkEnd == .sink)
            }
        }
        if state == .draining && buffer.isEmpty { state = .closed }
        return progress
    }

    /// Reads once into `buffer`. End of file changes the state and counts as `.done(0)`.
    private func fill(_ buffer: ByteBuffer, _ socket: borrowing Socket) throws(SyscallError) -> IOResult<Int> {
        if networkEnd == .source {
            if let datagram, !datagram.connected {
                guard case .done(let received) = try socket.receive(into: buffer.writable) else { return .wouldBlock }
                guard datagram.heard(from: received.sender) else { return .done(0) }
                return record(buffer, committing: received.count)
            }
            let target = datagram == nil ? buffer.writable : UnsafeMutableRawBufferPointer(rebasing: buffer.writable.prefix(Self.datagramCapacity))
            do {
                guard case .done(let count) = try socket.read(into: target) else { return .wouldBlock }
                // A zero-length datagram is a datagram, not end of file.
                if count == 0 && datagram == nil { sourceEnded() }
                return record(buffer, committing: count)
            } catch where datagram != nil && error.errno == .connectionRefused {
                // ICMP port unreachable for an earlier datagram: nobody listens yet; keep going as nc does.
                return .wouldBlock
            }
        }
        if crlf { return try fillExpandingNewlines(buffer) }
        var target = buffer.writable
        if datagram != nil { target = UnsafeMutableRawBufferPointer(rebasing: target.prefix(Self.largestDatagram)) }
        guard case .done(let count) = try Descriptor.read(local, into: target) else { return .wouldBlock }
        if count == 0 { sourceEnded() }
        return record(buffer, committing: count)
    }

    /// `-C`: reads at most half the free space, then writes each bare "\n" as "\r\n".
    private func fillExpandingNewlines(_ buffer: ByteBuffer) throws(SyscallError) -> IOResult<Int> {
        let limit = min(buffer.freeSpace / 2, datagram == nil ? Int.max : Self.largestDatagram / 2)
        var scratch = [UInt8](repeating: 0, count: limit)
        let result = scratch.withUnsafeMutableBytes { raw in
            Result { () throws(SyscallError) in try Descriptor.read(local, into: raw) }
        }
        guard case .done(let count) = try result.get() else { return .wouldBlock }
        if count == 0 {
            sourceEnded()
            return .done(0)
        }
        var expanded: [UInt8] = []
        expanded.reserveCapacity(RelayLineEndings.expandedLimit(of: count))
        lineEndings.expand(scratch[..<count], into: &expanded)
        expanded.withUnsafeBytes { buffer.append($0) }
        logChunk(UnsafeRawBufferPointer(rebasing: buffer.readable.suffix(expanded.count)))
        return .done(count)
    }

    private func record(_ buffer: ByteBuffer, committing count: Int) -> IOResult<Int> {
        let before = buffer.count
        buffer.commit(count)
        logChunk(UnsafeRawBufferPointer(rebasing: buffer.readable[before...]))
        return .done(count)
    }

    private func logChunk(_ bytes: UnsafeRawBufferPointer) {
        guard let log, logFailure == nil, !bytes.isEmpty else { return }
        do { try log.record(bytes) } catch { logFailure = error }
    }

    /// Writes once from `buffer`.
    private func drain(_ buffer: ByteBuffer, _ socket: borrowing Socket) throws(SyscallError) -> IOResult<Int> {
        if discards {
            let count = buffer.count
            buffer.consume(count)
            return .done(count)
        }
        let result: IOResult<Int>
        if networkEnd == .sink {
            if let datagram, !datagram.connected {
                guard let peer = datagram.address else { return .wouldBlock }
                result = try socket.send(buffer.readable, to: peer)
            } else {
                do {
                    result = try socket.write(buffer.readable)
                } catch where datagram != nil && error.errno == .connectionRefused {
                    // The error belongs to an earlier datagram; this one was not sent, so try again.
                    return .done(0)
                }
            }
        } else {
            result = try Descriptor.write(local, buffer.readable)
        }
        if case .done(let count) = result { buffer.consume(count) }
        return result
    }

    // MARK: State changes

    private func sourceEnded() {
        reachedEnd = true
        state = staging.pendingCount > 0 ? .draining : .closed
    }

    /// Records a failed call and stops the direction the way that failure requires.
    ///
    /// - Parameter onSocket: whether the failed call was on the socket (true)
    ///   or on stdin/stdout (false). Any socket error ends the connection: one
    ///   treated as local would leave staged bytes that fail again on every
    ///   round. nil: the call used both ends (splice(2) straight across), so
    ///   the errno decides.
    private func fail(_ error: SyscallError, onSocket: Bool?) {
        let networkErrors: Set<Errno> = [
            .connectionReset, .connectionAbort, .connectionRefused, .timedOut, .socketNotConnected,
            .noRouteToHost, .networkUnreachable, .networkDown, .networkReset,
            .hostIsDown, .noBufferSpace, .protocolNotAvailable,
        ]
        let onNetwork = onSocket ?? (networkErrors.contains(error.errno)
            || (error.errno == .brokenPipe && networkEnd == .sink))
        if onNetwork {
            networkLost(error)
        } else if networkEnd == .sink {
            // Reading stdin failed: treat it as its end, after noting why.
            failure = failure ?? .local(error)
            sourceEnded()
        } else {
            // stdout is gone. A closed pipe (`| head`) ends this direction quietly.
            if error.errno != .brokenPipe { failure = failure ?? .local(error) }
            state = .closed
        }
    }

    /// The connection is gone (reset, aborted, or the other direction saw it):
    /// nothing more can be sent, but what was received is still written out.
    func networkLost(_ error: SyscallError?) {
        if let error, failure == nil { failure = .network(error) }
        if networkEnd == .sink {
            state = .closed
        } else if state == .open {
            state = staging.pendingCount > 0 ? .draining : .closed
        }
    }

    /// Writes out everything staged, waiting for the sink as long as it
    /// takes: the relay's promise that no byte read is dropped. A sink that
    /// fails closes the direction (the failure is kept), which ends the wait.
    func flush(_ socket: borrowing Socket) {
        if state == .open { state = staging.pendingCount > 0 ? .draining : .closed }
        let sink = networkEnd == .sink ? socket.descriptor : local
        while state == .draining {
            sinkReady = true
            if pump(socket) == 0 && state == .draining && !sinkReady {
                var entry = [pollfd(fd: sink, events: Int16(POLLOUT), revents: 0)]
                guard (try? Poll.wait(&entry, timeoutMilliseconds: -1)) != nil else { return }
            }
        }
    }
}

/// The peer of a UDP session: fixed for a connected socket, or (for a
/// `-k -u` listener, which is not connected) the last one heard from.
final class DatagramPeer {
    let connected: Bool
    private(set) var address: SocketAddress?
    private let accepts: (SocketAddress) -> Bool
    private let announce: (SocketAddress) -> Void

    init(connected: Bool, address: SocketAddress?, accepts: @escaping (SocketAddress) -> Bool, announce: @escaping (SocketAddress) -> Void) {
        self.connected = connected
        self.address = address
        self.accepts = accepts
        self.announce = announce
    }

    /// Notes a datagram's sender; false if `--allow`/`--deny` refuse it and
    /// its datagram is to be dropped.
    func heard(from sender: SocketAddress) -> Bool {
        guard !connected else { return true }
        guard accepts(sender) else { return false }
        if sender != address {
            address = sender
            announce(sender)
        }
        return true
    }
}
