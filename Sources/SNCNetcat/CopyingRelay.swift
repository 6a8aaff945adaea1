import SNCSocket
import Glibc

/// A poll(2) loop over two `CopyingDirection`s, for the sessions that need
/// the bytes in memory: `--verify` (stdin/stdout and the socket) and
/// `--pty` (the socket and a terminal's master). Each direction's end runs
/// its `onFinish` once (a shutdown, ending stdout); the loop stops when
/// `isDone` says so, after which nothing more is read.
struct CopyingRelay<Outbound: StreamFraming, Inbound: StreamFraming> {
    let outbound: CopyingDirection<Outbound>
    let inbound: CopyingDirection<Inbound>
    var onOutboundFinished: () -> Void = {}
    var onInboundFinished: () -> Void = {}

    /// Runs until `isDone`; throws only if poll(2) itself fails.
    mutating func run(until isDone: () -> Bool) throws(SyscallError) {
        var outboundReported = false
        var inboundReported = false
        var descriptors = [pollfd](repeating: pollfd(fd: -1, events: 0, revents: 0), count: 4)
        while true {
            if !inboundReported, inbound.isFinished {
                inboundReported = true
                onInboundFinished()
            }
            if !outboundReported, outbound.isFinished {
                outboundReported = true
                onOutboundFinished()
            }
            if isDone() { return }
            // Move what can be moved without waiting first; poll only when stuck.
            var moved = false
            for direction in [outbound as AnyCopying, inbound as AnyCopying] {
                if direction.writeOnceIfReady() { moved = true }
            }
            if moved { continue }
            descriptors[0] = pollfd(fd: outbound.wantsRead ? outbound.source : -1, events: Int16(POLLIN), revents: 0)
            descriptors[1] = pollfd(fd: outbound.wantsWrite ? outbound.sink : -1, events: Int16(POLLOUT), revents: 0)
            descriptors[2] = pollfd(fd: inbound.wantsRead ? inbound.source : -1, events: Int16(POLLIN), revents: 0)
            descriptors[3] = pollfd(fd: inbound.wantsWrite ? inbound.sink : -1, events: Int16(POLLOUT), revents: 0)
            // Nothing left to wait for, yet not done: a caller's condition that can never hold.
            if descriptors.allSatisfy({ $0.fd < 0 }) { return }
            _ = try Poll.wait(&descriptors, timeoutMilliseconds: -1)
            if descriptors[0].revents != 0 { _ = outbound.readOnce() }
            if descriptors[2].revents != 0 { _ = inbound.readOnce() }
            if descriptors[1].revents != 0 { _ = outbound.writeOnce() }
            if descriptors[3].revents != 0 { _ = inbound.writeOnce() }
        }
    }
}

/// The part of a `CopyingDirection` the loop needs whatever its framing.
private protocol AnyCopying {
    func writeOnceIfReady() -> Bool
}

extension CopyingDirection: AnyCopying {
    /// Writes at once what is waiting; false when nothing moved.
    fileprivate func writeOnceIfReady() -> Bool {
        wantsWrite && writeOnce()
    }
}
