import CLinux
import Glibc

extension Socket {
    /// A Unix-domain socket bound to `address` (made from `path`; a path
    /// starting with "@" is in the abstract namespace and makes no file),
    /// and for streams listening with `backlog`. A socket file left behind
    /// by a listener that was killed is removed first; if listen(2) fails,
    /// the file bind(2) made is removed again.
    package static func listening(
        unixAddress address: SocketAddress,
        path: String,
        type: CInt = Transport.tcp.socketType,
        backlog: CInt?
    ) throws(SyscallError) -> Socket {
        let abstract = path.hasPrefix("@")
        if !abstract { removeStaleSocket(at: path, address: address) }
        var bound = false
        do {
            let socket = try Socket(family: AF_UNIX, type: type)
            try socket.bind(to: address)
            bound = true
            if let backlog { try socket.listen(backlog: backlog) }
            return socket
        } catch {
            // bind(2) made the socket file; nothing else will remove it if listen(2) failed.
            if bound && !abstract { _ = unlink(path) }
            throw error
        }
    }

    /// A socket file left behind by a listener that was killed makes bind(2)
    /// fail with EADDRINUSE. If nothing answers on it (ECONNREFUSED), it is
    /// stale and removed; a live listener, or any other kind of file, is kept,
    /// so bind(2) then reports EADDRINUSE.
    ///
    /// The probe is non-blocking: a blocking connect(2) to a Unix listener
    /// whose backlog is full waits until that listener accepts, which may be
    /// never. Non-blocking, Linux answers at once with EAGAIN (unix(7)), and
    /// a full listener is as alive as any other.
    private static func removeStaleSocket(at path: String, address: SocketAddress) {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return }
        for type in [Transport.tcp.socketType, Transport.udp.socketType] {
            guard let probe = try? Socket(family: AF_UNIX, type: type | CInt(SOCK_NONBLOCK.rawValue)) else { return }
            do {
                _ = try probe.connect(to: address)
                return // someone is listening (or, in progress, about to answer)
            } catch {
                switch error.errno {
                case .protocolWrongTypeForSocket: continue // the other socket type; try it
                case .connectionRefused: _ = unlink(path) // nobody is listening: stale
                default: break // EAGAIN (a full backlog), EACCES, ...: not ours to remove
                }
                return
            }
        }
    }
}
