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
        var descriptors = PollSet()
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
            descriptors.removeAll()
            let outboundRead = descriptors.add(outbound.source, waitingFor: .readable, if: outbound.wantsRead)
            let outboundWrite = descriptors.add(outbound.sink, waitingFor: .writable, if: outbound.wantsWrite)
            let inboundRead = descriptors.add(inbound.source, waitingFor: .readable, if: inbound.wantsRead)
            let inboundWrite = descriptors.add(inbound.sink, waitingFor: .writable, if: inbound.wantsWrite)
            // Nothing left to wait for, yet not done: a caller's condition that can never hold.
            if descriptors.isEmpty { return }
            _ = try descriptors.wait(timeoutMilliseconds: -1)
            if !descriptors.reported(outboundRead).isEmpty { _ = outbound.readOnce() }
            if !descriptors.reported(inboundRead).isEmpty { _ = inbound.readOnce() }
            if !descriptors.reported(outboundWrite).isEmpty { _ = outbound.writeOnce() }
            if !descriptors.reported(inboundWrite).isEmpty { _ = inbound.writeOnce() }
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
