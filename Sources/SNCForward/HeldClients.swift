import SNCSocket
import Glibc

/// `--reconnect`: local clients that arrive while no SSH session exists.
/// The listeners stay bound through the outage; up to `maximumHeldClients`
/// connections are accepted here and handed to the next session's worker,
/// each for at most `heldClientTimeoutMilliseconds` (then reset, as for a
/// refused channel). Beyond that number they wait in the kernel's listen
/// backlog, not refused.
final class HeldClients {
    private struct Held {
        let handoff: TunnelHandoff
        let deadline: Deadline
    }

    private let policy: ReconnectPolicy
    private let log: ForwardLog
    private var held: [Held] = []

    init(policy: ReconnectPolicy, log: ForwardLog) {
        self.policy = policy
        self.log = log
    }

    var count: Int { held.count }

    /// Accepts and holds clients until `deadline`, resetting those whose
    /// own time runs out meanwhile.
    func hold(on listeners: [TunnelListener], until deadline: Deadline) {
        var descriptors = PollSet()
        while !deadline.hasPassed {
            expire()
            let accepting = held.count < policy.maximumHeldClients
            descriptors.removeAll()
            let slots = descriptors.add(contentsOf: listeners.lazy.map { $0.descriptor }, waitingFor: .readable, if: accepting)
            let timeout = Deadline.pollTimeout(deadline, held.first?.deadline)
            do {
                _ = try descriptors.wait(timeoutMilliseconds: timeout)
            } catch {
                // poll(2) failing on our own descriptors: sleep the wait out instead of spinning.
                _ = Glibc.usleep(UInt32(clamping: Int(max(timeout, 0)) * 1000))
                continue
            }
            for (listener, slot) in zip(listeners, slots) where !descriptors.reported(slot).isEmpty {
                accept(from: listener)
            }
        }
        expire()
    }

    /// Everything held, oldest first, for the new session's worker.
    func takeAll() -> [TunnelHandoff] {
        defer { held.removeAll() }
        return held.map(\.handoff)
    }

    private func accept(from listener: TunnelListener) {
        while held.count < policy.maximumHeldClients {
            let accepted: Socket.Accepted
            do throws(SyscallError) {
                switch try listener.socket.accept(nonBlocking: true) {
                case .accepted(let next): accepted = next
                case .none: return
                case .clientGone: continue
                case .outOfDescriptors(let error): throw error
                }
            } catch {
                // Out of descriptors: the client stays in the backlog.
                return
            }
            let peer = accepted.peer
            let socket = accepted.takeSocket()
            try? socket.setNoDelay(true)
            log.debug("Connection to \(listener.spec.listenDescription) held until the session is back (\(held.count + 1) waiting).")
            held.append(Held(
                handoff: TunnelHandoff(
                    descriptor: socket.release(), peer: peer, spec: listener.spec, service: listener.service,
                    id: TunnelConnection.nextID()),
                deadline: Deadline(milliseconds: policy.heldClientTimeoutMilliseconds)))
        }
    }

    /// Resets the clients that have waited their whole time.
    private func expire() {
        while let first = held.first, first.deadline.hasPassed {
            held.removeFirst()
            log.warn("connection from \(first.handoff.peer.host) port \(first.handoff.peer.port) reset: no SSH session for \(policy.heldClientTimeoutMilliseconds / 1000) s")
            Self.reset(first.handoff.descriptor)
        }
    }

    /// close(2) with SO_LINGER 0: the client sees "Connection reset".
    static func reset(_ descriptor: CInt) {
        var value = linger(l_onoff: 1, l_linger: 0)
        _ = Glibc.setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &value, socklen_t(MemoryLayout<linger>.size))
        // Linux frees the descriptor even when close fails with EINTR: never retry.
        _ = Glibc.close(descriptor)
    }

    deinit {
        for client in held { Self.reset(client.handoff.descriptor) }
    }
}
