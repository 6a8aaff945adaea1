import SNCSocket
import Glibc

/// The send and receive callbacks of a session that a jump host's
/// direct-tcpip channel carries (`-J`, `ProxyJump`): its bytes go into and
/// come out of that channel of the outer session, on the same thread, in
/// the same call. The outer session never calls back into the inner one,
/// so no session is re-entered.
extension SSHCallbacks {
    /// Reads what the channel holds (the outer session reads its socket to
    /// EAGAIN first). 0 is the channel's end, which libssh2 takes as the
    /// connection's; -EAGAIN means nothing is queued and the socket is
    /// drained, so poll(2) on it is the right wait.
    static func receive(
        from carrier: SSHChannel, into buffer: UnsafeMutableRawPointer?, length: Int, context: SSHSessionContext
    ) -> Int {
        let result: IOResult<Int>
        do {
            result = try carrier.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: length))
        } catch {
            context.carrierFailed(error)
            return -Int(ECONNRESET)
        }
        switch result {
        case .done(let count):
            if count > 0 {
                context.lastReceivedNanoseconds = MonotonicClock.now()
                context.bytesReceived &+= UInt64(count)
            } else {
                context.carrierEnded()
            }
            return count
        case .wouldBlock:
            // libssh2 is about to wait in poll(2) (blocking mode, teardown):
            // the window adjustment our read may have queued must be out first.
            if context.sendsSynchronously { _ = carrier.session.context.drain(timeoutMilliseconds: 100) }
            return -Int(EAGAIN)
        }
    }

    /// Takes every byte, as the socket path does: into the buffer, which
    /// goes into the channel when it outgrows the coalescing limit, at the
    /// engine's flush, or at once while the session is in blocking mode.
    static func sendThroughCarrier(_ buffer: UnsafeRawPointer?, length: Int, context: SSHSessionContext) -> Int {
        context.outbound.append(UnsafeRawBufferPointer(start: buffer, count: length))
        if context.sendsSynchronously {
            let result = context.drain(timeoutMilliseconds: 2000)
            if result != 0 { return result }
        } else if context.outbound.count > OutboundBuffer.coalescingLimit {
            let result = context.flush()
            if result != 0 { context.sendError = result; return result }
        }
        return length
    }
}
