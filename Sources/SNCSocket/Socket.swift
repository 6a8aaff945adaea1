import CLinux
import Glibc

/// A socket descriptor with exactly one owner.
///
/// The descriptor is closed when the value is dropped, unless it was handed
/// off with `release()` (to another thread, which re-adopts it with
/// `init(adopting:)`) or closed explicitly with `close()` to see the error.
/// Every socket is created close-on-exec.
package struct Socket: ~Copyable {
    package let descriptor: CInt

    /// Wraps `socket(2)`.
    package init(family: CInt, type: CInt, protocol: CInt = 0) throws(SyscallError) {
        descriptor = try retrying("socket") { Glibc.socket(family, type | CInt(SOCK_CLOEXEC.rawValue), `protocol`) }
    }

    /// Takes ownership of a descriptor that nothing else will close.
    package init(adopting descriptor: CInt) {
        self.descriptor = descriptor
    }

    deinit {
        // Linux frees the descriptor even when close fails with EINTR, so never retry.
        _ = Glibc.close(descriptor)
    }

    /// Gives up ownership: the caller must close the returned descriptor.
    package consuming func release() -> CInt {
        let descriptor = self.descriptor
        discard self
        return descriptor
    }

    /// Wraps `close(2)`, reporting its error (EINTR is not an error: the fd is gone).
    package consuming func close() throws(SyscallError) {
        let descriptor = self.descriptor
        discard self
        if Glibc.close(descriptor) == -1 && errno != EINTR {
            throw SyscallError("close", code: errno)
        }
    }

    // MARK: Set-up

    /// Wraps `bind(2)`.
    package func bind(to address: SocketAddress) throws(SyscallError) {
        _ = try retrying("bind") { address.withSockAddr { Glibc.bind(descriptor, $0, $1) } }
    }

    /// Wraps `listen(2)`.
    package func listen(backlog: CInt) throws(SyscallError) {
        _ = try retrying("listen") { Glibc.listen(descriptor, backlog) }
    }

    /// Wraps `connect(2)`. Returns false when a non-blocking connect is still in progress.
    package func connect(to address: SocketAddress) throws(SyscallError) -> Bool {
        let result = address.withSockAddr { Glibc.connect(descriptor, $0, $1) }
        if result == 0 { return true }
        let code = errno
        // EINTR on connect means the attempt goes on in the background, like EINPROGRESS.
        // EAGAIN does not: on Linux it means no free local port (TCP/UDP) or a full
        // backlog on a Unix socket, and nothing is in flight, so it is a failure.
        if code == EINPROGRESS || code == EINTR { return false }
        throw SyscallError("connect", code: code)
    }

    /// A connection taken by `accept(nonBlocking:call:)`: the new socket and who it came from.
    package struct Accepted: ~Copyable {
        package var socket: Socket
        package let peer: SocketAddress
    }

    /// The direction(s) `shutdown(2)` closes.
    package enum Direction: Sendable {
        case read, write, both

        var cValue: CInt {
            switch self {
            case .read: CInt(SHUT_RD)
            case .write: CInt(SHUT_WR)
            case .both: CInt(SHUT_RDWR)
            }
        }
    }

    /// `shutdown(2)`'s signature; unit tests pass a scripted one as `call`.
    package typealias ShutdownCall = (CInt, CInt) -> CInt

    /// Wraps `shutdown(2)`. ENOTCONN (the peer is already gone) is not an error.
    package func shutdown(_ direction: Direction, call: ShutdownCall = Glibc.shutdown) throws(SyscallError) {
        guard call(descriptor, direction.cValue) == -1 else { return }
        let code = errno
        if code != ENOTCONN { throw SyscallError("shutdown", code: code) }
    }

    // MARK: Data

    /// Wraps `read(2)`; `.done(0)` is end of stream.
    package func read(
        into buffer: UnsafeMutableRawBufferPointer, call: Descriptor.ReadCall = Glibc.read
    ) throws(SyscallError) -> IOResult<Int> {
        try Descriptor.read(descriptor, into: buffer, call: call)
    }

    /// `send(2)`'s signature; unit tests pass a scripted one as `call`.
    package typealias SendCall = (CInt, UnsafeRawPointer?, Int, CInt) -> Int

    /// Wraps `send(2)` with MSG_NOSIGNAL, so a closed peer gives EPIPE rather than SIGPIPE.
    package func write(_ buffer: UnsafeRawBufferPointer, call: SendCall = Glibc.send) throws(SyscallError) -> IOResult<Int> {
        try retryingNonBlocking("send") { call(descriptor, buffer.baseAddress, buffer.count, CInt(MSG_NOSIGNAL)) }
    }

    /// Writes all of `buffer`, waiting for room when the socket is non-blocking.
    package func writeAll(_ buffer: UnsafeRawBufferPointer) throws(SyscallError) {
        var offset = 0
        while offset < buffer.count {
            switch try write(UnsafeRawBufferPointer(rebasing: buffer[offset...])) {
            case .done(let count): offset += count
            case .wouldBlock:
                try Poll.wait(for: descriptor, .writable, timeoutMilliseconds: -1)
            }
        }
    }

    /// `recvfrom(2)`'s signature; unit tests pass a scripted one as `call`.
    package typealias ReceiveFromCall =
        (CInt, UnsafeMutableRawPointer?, Int, CInt, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?) -> Int

    /// Wraps `recvfrom(2)`: a datagram and its sender.
    package func receive(
        into buffer: UnsafeMutableRawBufferPointer, call: ReceiveFromCall = Glibc.recvfrom
    ) throws(SyscallError) -> IOResult<(count: Int, sender: SocketAddress)> {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = try withUnsafeMutablePointer(to: &storage) { storagePointer throws(SyscallError) in
            try storagePointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SyscallError) in
                try retryingNonBlocking("recvfrom") { call(descriptor, buffer.baseAddress, buffer.count, 0, address, &length) }
            }
        }
        guard case .done(let count) = result else { return .wouldBlock }
        let sender = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(copying: $0, length: length) }
        }
        return .done((count, sender))
    }

    /// `sendto(2)`'s signature; unit tests pass a scripted one as `call`.
    package typealias SendToCall = (CInt, UnsafeRawPointer?, Int, CInt, UnsafePointer<sockaddr>?, socklen_t) -> Int

    /// Wraps `sendto(2)`.
    package func send(
        _ buffer: UnsafeRawBufferPointer, to address: SocketAddress, call: SendToCall = Glibc.sendto
    ) throws(SyscallError) -> IOResult<Int> {
        try retryingNonBlocking("sendto") {
            address.withSockAddr { call(descriptor, buffer.baseAddress, buffer.count, CInt(MSG_NOSIGNAL), $0, $1) }
        }
    }

    // MARK: Addresses

    /// Wraps `getsockname(2)`.
    package func localAddress() throws(SyscallError) -> SocketAddress {
        try address(call: "getsockname") { getsockname($0, $1, $2) }
    }

    /// Wraps `getpeername(2)`.
    package func peerAddress() throws(SyscallError) -> SocketAddress {
        try address(call: "getpeername") { getpeername($0, $1, $2) }
    }

    private func address(
        call: String,
        _ body: (CInt, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> CInt
    ) throws(SyscallError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = descriptor
        _ = try withUnsafeMutablePointer(to: &storage) { storagePointer throws(SyscallError) in
            try storagePointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SyscallError) in
                try retrying(call) { body(fd, address, &length) }
            }
        }
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(copying: $0, length: length) }
        }
    }
}
