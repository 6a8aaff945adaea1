import SNCSocket
import Glibc

/// Handing the buffered outbound bytes on: to the socket, or into the
/// jump host's channel that carries the session.
extension SSHSessionContext {
    /// Passes on what the transport takes now, never waiting. 0 or -errno.
    func flush() -> Int {
        guard let carrier else { return outbound.flush(to: socket) }
        do {
            try outbound.flush(to: carrier)
        } catch {
            carrierFailed(error)
            return -Int(ECONNRESET)
        }
        // The carrier's end may have been read while writing (libssh2 reads
        // the socket first), where nothing else would notice it.
        if carrier.receivedEOF {
            carrierEnded()
            return -Int(ECONNRESET)
        }
        return 0
    }

    /// Records that the outer session failed, unless an earlier reason is known.
    func carrierFailed(_ error: SSHError) {
        if carrierFailure == nil { carrierFailure = "\(carrierName): \(error.reason)" }
    }

    /// Records that the jump host closed the carrier, unless an earlier reason is known.
    func carrierEnded() {
        if carrierFailure == nil { carrierFailure = "\(carrierName) closed the channel" }
    }

    /// Flushes this session's buffer and, through the carrier, every outer
    /// session's, waiting for the socket up to `timeoutMilliseconds`
    /// (teardown only). 0 or -errno.
    func drain(timeoutMilliseconds: Int) -> Int {
        let deadline = Deadline(milliseconds: timeoutMilliseconds)
        while true {
            let result = flush()
            if result != 0 { sendError = result; return result }
            if let carrier {
                // What went into the channel sits in the outer session's buffer.
                let outer = carrier.session.context.drain(timeoutMilliseconds: max(Int(deadline.remainingMilliseconds), 0))
                if outer != 0 { sendError = outer; return outer }
            }
            if outbound.isEmpty { return 0 }
            if deadline.hasPassed { return -Int(ETIMEDOUT) }
            // A socket waits for room to send; a channel for the window
            // adjustment that comes in over the socket. A poll failure ends
            // in the deadline; the flush above reports the transport's own errors.
            _ = try? Poll.wait(for: socket, carrier == nil ? .writable : .readable,
                               timeoutMilliseconds: min(deadline.remainingMilliseconds, carrier == nil ? Int32.max : 50))
        }
    }
}
