import Glibc
import SNCSocket

/// Bytes libssh2 has handed to the socket that the kernel has not taken yet.
///
/// snc installs its own send callback, which never reports EAGAIN to
/// libssh2: what the socket will not take now is kept here and flushed when
/// poll says the socket is writable. libssh2 therefore never holds a
/// half-sent packet, whose completion would otherwise require repeating the
/// exact call that started it before any other channel could send; and
/// several small packets leave in one send(2). The engine bounds this
/// buffer by not writing channel data while it is above its high-water mark.
final class OutboundBuffer {
    /// Up to this much is gathered before a send(2); the engine flushes the
    /// rest at the end of every pass, before it sleeps in poll.
    static let coalescingLimit = 64 << 10

    private var queue = ByteQueue(retainedCapacity: 4 << 20, compactionThreshold: 1 << 20)

    var count: Int { queue.count }
    var isEmpty: Bool { queue.isEmpty }

    func append(_ bytes: UnsafeRawBufferPointer) {
        queue.append(bytes)
    }

    /// Sends as much as the socket takes now. Returns 0 or -errno (never EAGAIN).
    func flush(to socket: CInt) -> Int {
        while !queue.isEmpty {
            let (sent, code) = queue.withReadable { raw in
                let sent = Glibc.send(socket, raw.baseAddress, raw.count, CInt(MSG_NOSIGNAL) | CInt(MSG_DONTWAIT))
                return (used: max(sent, 0), result: (sent, sent > 0 ? 0 : errno))
            }
            if sent > 0 { continue }
            if sent == -1 && code == EINTR { continue }
            if sent == -1 && (code == EAGAIN || code == EWOULDBLOCK) { break }
            return -Int(code == 0 ? EPIPE : code)
        }
        return 0
    }

    /// Writes as much as the jump host's channel takes now (its window and
    /// one packet per call). A closed window is not an error: the rest
    /// waits for the far side's window adjustment.
    func flush(to channel: SSHChannel) throws(SSHError) {
        while !queue.isEmpty {
            let outcome = queue.withReadable { raw -> (used: Int, result: Result<Bool, SSHError>) in
                do throws(SSHError) {
                    switch try channel.write(raw) {
                    case .done(let written) where written > 0: return (written, .success(true))
                    default: return (0, .success(false))
                    }
                } catch {
                    return (0, .failure(error))
                }
            }
            if try !outcome.get() { break }
        }
    }
}
