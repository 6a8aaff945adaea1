import SNCSocket
import Glibc

/// How one connection attempt failed.
enum ConnectAttemptError: Error {
    /// No answer within `-w`.
    case timedOut
    /// connect(2) (or its SO_ERROR) failed.
    case failed(SyscallError)
}

/// Connecting with nc's `-w`: a non-blocking connect(2), poll(2) for
/// writability, then the result from SO_ERROR. The socket stays
/// non-blocking, as the relay wants it.
enum Connection {
    static func connect(_ socket: borrowing Socket, to address: SocketAddress, timeout: Double?) throws(ConnectAttemptError) {
        do {
            try socket.setNonBlocking(true)
            if try socket.connect(to: address) { return }
        } catch {
            throw .failed(error)
        }
        let deadline = timeout.map { Deadline(seconds: $0) }
        while true {
            var entry = [pollfd(fd: socket.descriptor, events: Int16(POLLOUT), revents: 0)]
            let ready: Int
            do {
                ready = try Poll.wait(&entry, timeoutMilliseconds: deadline.map { Int32($0.remainingMilliseconds) } ?? -1)
            } catch {
                throw .failed(error)
            }
            if ready > 0 { break }
            if let deadline, deadline.hasPassed { throw .timedOut }
        }
        let pending: CInt
        do {
            pending = try socket.option(level: SOL_SOCKET, name: SO_ERROR)
        } catch {
            throw .failed(error)
        }
        if pending != 0 { throw .failed(SyscallError("connect", code: pending)) }
    }
}
