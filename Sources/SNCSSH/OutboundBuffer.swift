import Glibc

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

    private var storage: [UInt8] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }

    func append(_ bytes: UnsafeRawBufferPointer) {
        if head > 0 && head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        }
        storage.append(contentsOf: bytes)
    }

    /// Sends as much as the socket takes now. Returns 0 or -errno (never EAGAIN).
    func flush(to socket: CInt) -> Int {
        while head < storage.count {
            let start = head
            let sent = storage.withUnsafeBytes { raw in
                Glibc.send(socket, raw.baseAddress.map { $0 + start }, raw.count - start, CInt(MSG_NOSIGNAL) | CInt(MSG_DONTWAIT))
            }
            if sent > 0 {
                head += sent
                continue
            }
            let code = errno
            if sent == -1 && code == EINTR { continue }
            if sent == -1 && (code == EAGAIN || code == EWOULDBLOCK) { break }
            return -Int(code == 0 ? EPIPE : code)
        }
        if head == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= 4 << 20)
            head = 0
        } else if head >= 1 << 20 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return 0
    }
}
