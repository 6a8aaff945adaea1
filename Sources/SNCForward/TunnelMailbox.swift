import SNCSocket
import Synchronization
import Glibc

/// An accepted connection on its way to another worker's thread: the raw
/// descriptor (ownership travels with it; the receiver re-adopts it).
struct TunnelHandoff: Sendable {
    let descriptor: CInt
    let peer: SocketAddress
    let spec: ForwardSpec
    let service: TunnelListener.Service
    let id: Int
}

/// Where one worker receives connections from the accepting worker: a
/// Mutex-guarded list plus a pipe whose read end wakes the worker's poll.
final class TunnelMailbox: Sendable {
    private let queue = Mutex<[TunnelHandoff]>([])
    private let pipe: WakePipe

    init() throws(SyscallError) {
        pipe = try WakePipe()
    }

    var wakeDescriptor: CInt { pipe.readEnd }

    func post(_ handoff: TunnelHandoff) {
        queue.withLock { $0.append(handoff) }
        wake()
    }

    /// Wakes the owning worker's poll (also used to stop it).
    func wake() {
        pipe.wake()
    }

    /// Everything posted so far; empties the wake pipe.
    func take() -> [TunnelHandoff] {
        pipe.drain()
        return queue.withLock { list in
            defer { list.removeAll() }
            return list
        }
    }

    deinit {
        // Descriptors that were posted but never adopted are ours to close.
        for handoff in queue.withLock({ $0 }) { _ = close(handoff.descriptor) }
    }
}
