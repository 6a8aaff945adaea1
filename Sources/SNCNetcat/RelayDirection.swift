import SystemPackage
import SNCSocket
import Glibc

/// One direction of a relay: stdin → socket ("outbound") or socket →
/// stdout ("inbound"), with its own state and staging.
///
/// This file holds its state and what poll(2) should wait for; the ways
/// bytes move are in `RelayDirection+Splice.swift` (splice(2), straight
/// across or through a private pipe), `+Memory.swift` (read/write through a
/// buffer, `-C`, the log files) and `+Datagram.swift` (UDP), and how a
/// failed call stops it in `+Failure.swift`. The state and the counters
/// below are set only by those extensions.
///
/// The relay's poll loop sets `sourceReady`/`sinkReady` from poll(2) and
/// calls `pump`, which moves bytes until a call would block. EAGAIN clears
/// the matching flag; it is never an error.
package final class RelayDirection {
    package typealias State = DirectionState

    /// Which end of this direction the network socket is.
    package enum NetworkEnd: Sendable { case source, sink }

    let localName: String
    let networkEnd: NetworkEnd
    /// The stdin or stdout descriptor (not owned).
    let local: CInt
    /// What the local descriptor is, and whether it is non-blocking.
    ///
    /// The rule for stdin and stdout: snc never sets or clears O_NONBLOCK on
    /// them. The flag belongs to the open file description, which the shell,
    /// the terminal and the other processes of a pipeline share; setting it
    /// would make their reads and writes fail with EAGAIN, and a crash would
    /// leave it set. The relay takes the mode it finds: poll(2) first, one
    /// call per readiness on a blocking descriptor (`localMayBlock`), and
    /// SPLICE_F_NONBLOCK for pipes.
    let localKind: Descriptor.Kind
    let localIsNonBlocking: Bool
    /// True: what the socket brings is read and dropped (`--send-only`).
    let discards: Bool
    let datagram: DatagramPeer?
    let crlf: Bool
    let log: SessionLog?
    /// read(2), write(2), splice(2) and the rest: the real ones but in unit tests.
    let calls: SystemCalls

    package internal(set) var state: State
    package internal(set) var staging: Staging
    /// `-C`'s conversion, which remembers a CR that ended the last read.
    var lineEndings = RelayLineEndings()
    package var sourceReady = false
    package var sinkReady = false
    /// The source reached end of file.
    package internal(set) var reachedEnd = false
    package internal(set) var failure: Failure?
    var logFailure: NetcatError?
    /// Bytes written to the sink, for idle timing.
    package internal(set) var moved = 0

    /// Bytes asked of one splice(2) call; the kernel moves what it has.
    package static let spliceChunk = 1 << 20
    /// Memory staging for streams; datagrams use their maximum size.
    package static let memoryCapacity = 256 << 10
    static let datagramCapacity = 65536
    /// The largest UDP payload that fits in IPv4 (65535 - 20 - 8).
    static let largestDatagram = 65507

    package init(localName: String, networkEnd: NetworkEnd, local: CInt, localKind: Descriptor.Kind, staging: Staging, state: State,
                 discards: Bool = false, datagram: DatagramPeer? = nil, crlf: Bool = false, log: SessionLog? = nil,
                 calls: SystemCalls = SystemCalls()) {
        self.localName = localName
        self.networkEnd = networkEnd
        self.local = local
        self.localKind = localKind
        self.calls = calls
        self.localIsNonBlocking = (try? Descriptor.isNonBlocking(local, getFlags: calls.statusFlags)) ?? false
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
    func usedLocal() {
        guard localMayBlock else { return }
        if networkEnd == .sink { sourceReady = false } else { sinkReady = false }
    }

    // MARK: What poll should wait for

    /// Whether poll should wait for the source to become readable.
    package var wantsSource: Bool {
        state == .open && !sourceReady && hasRoom
    }

    /// Whether poll should wait for the sink to become writable.
    package var wantsSink: Bool {
        guard !sinkReady, !discards, state != .closed else { return false }
        switch staging {
        // Splicing straight across needs both ends ready at once.
        case .direct: return state == .open
        case .kernelPipe(let stage): return stage.buffered > 0
        case .memory(let buffer): return !buffer.isEmpty
        }
    }

    /// Whether a pump would move something without waiting.
    package var canProgress: Bool {
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

    var hasRoom: Bool {
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
    package func pump(_ socket: borrowing Socket, budget: Int = 16) -> Int {
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

    /// Writes out everything staged, waiting for the sink as long as it
    /// takes: the relay's promise that no byte read is dropped. A sink that
    /// fails closes the direction (the failure is kept), which ends the wait.
    func flush(_ socket: borrowing Socket) {
        if state == .open { state = staging.pendingCount > 0 ? .draining : .closed }
        let sink = networkEnd == .sink ? socket.descriptor : local
        while state == .draining {
            sinkReady = true
            if pump(socket) == 0 && state == .draining && !sinkReady {
                guard (try? Poll.wait(for: sink, .writable, timeoutMilliseconds: -1)) != nil else { return }
            }
        }
    }
}
