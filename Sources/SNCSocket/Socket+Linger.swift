import CLinux
import Glibc

extension Socket {
    /// Waits (bounded) until the peer has acknowledged everything sent, reading
    /// and discarding whatever arrives meanwhile.
    ///
    /// Closing a TCP socket with unread data in its receive queue makes Linux
    /// send a reset and throw away the send queue, so a `-q 0` that closed at
    /// once could lose the tail of its own input. Discarding what arrives keeps
    /// the receive queue empty; SIOCOUTQ says when nothing is left to send.
    /// Returns early if the peer closes or the connection fails.
    package func drainBeforeClose(timeoutMilliseconds: Int) {
        let deadline = Deadline(milliseconds: timeoutMilliseconds)
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        while !deadline.hasPassed {
            let receivedEnd = discardReadable(into: &scratch)
            if receivedEnd || snc_unsent_bytes(descriptor) <= 0 { return }
            // Acknowledgements raise no poll event: look again every 10 ms.
            _ = try? Poll.wait(for: descriptor, .readable, timeoutMilliseconds: min(10, deadline.remainingMilliseconds))
        }
    }

    /// Reads and drops what is readable now; true at end of stream or on an error.
    private func discardReadable(into scratch: inout [UInt8]) -> Bool {
        while true {
            let count = scratch.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, CInt(MSG_DONTWAIT)) }
            if count > 0 { continue }
            if count == 0 { return true }
            if errno == EINTR { continue }
            return errno != EAGAIN && errno != EWOULDBLOCK
        }
    }
}
