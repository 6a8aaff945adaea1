import SNCSocket
import Glibc

/// The local side of a tunnel: an accepted TCP connection (owned: closed
/// when the endpoint goes away) or snc's own stdin/stdout (borrowed: snc
/// never closes them).
struct LocalEndpoint: ~Copyable {
    enum Kind: Equatable {
        /// A connection accepted on a local listener; snc owns it.
        case socket
        /// stdin and stdout (`-W`, `connect --via`); borrowed.
        case standardIO
    }

    let kind: Kind
    let readDescriptor: CInt
    let writeDescriptor: CInt
    /// Whether a second read (write) after one poll(2) readiness could block:
    /// stdin and stdout keep the O_NONBLOCK flag they came with, because it
    /// belongs to a file description snc shares with other processes (the
    /// netcat relay's rule), so a blocking one gets one call per readiness.
    let readMayBlock: Bool
    let writeMayBlock: Bool

    /// Takes over an accepted, non-blocking socket.
    init(socket: consuming Socket) {
        let descriptor = socket.release()
        kind = .socket
        readDescriptor = descriptor
        writeDescriptor = descriptor
        readMayBlock = false
        writeMayBlock = false
    }

    /// stdin and stdout, borrowed, in whatever blocking mode they are.
    init(standardIO: Void) {
        kind = .standardIO
        readDescriptor = STDIN_FILENO
        writeDescriptor = STDOUT_FILENO
        readMayBlock = Self.mayBlock(STDIN_FILENO)
        writeMayBlock = Self.mayBlock(STDOUT_FILENO)
    }

    /// Regular files never block; anything else does unless O_NONBLOCK is set.
    private static func mayBlock(_ descriptor: CInt) -> Bool {
        if (try? Descriptor.kind(of: descriptor)) == .regularFile { return false }
        return !((try? Descriptor.isNonBlocking(descriptor)) ?? false)
    }

    deinit {
        // Linux frees the descriptor even when close fails with EINTR: never retry.
        if kind == .socket { _ = Glibc.close(readDescriptor) }
    }

    /// Wraps `read(2)`; `.done(0)` is end of stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SyscallError) -> IOResult<Int> {
        try Descriptor.read(readDescriptor, into: buffer)
    }

    /// Wraps `send(2)` with MSG_NOSIGNAL for sockets, `write(2)` for stdout.
    func write(_ buffer: UnsafeRawBufferPointer) throws(SyscallError) -> IOResult<Int> {
        if kind == .socket {
            let descriptor = writeDescriptor
            return try retryingNonBlocking("send") { Glibc.send(descriptor, buffer.baseAddress, buffer.count, CInt(MSG_NOSIGNAL)) }
        }
        return try Descriptor.write(writeDescriptor, buffer)
    }

    /// The far side's EOF reached us and everything it sent is written:
    /// half-close the socket for writing, so the local peer reads EOF; on
    /// stdout, end it as the netcat relay does (a pipe's reader sees EOF, a
    /// socket is shut down, terminals and files are left alone) while stdin
    /// may still be sent.
    func finishWriting() {
        switch kind {
        case .socket:
            _ = Glibc.shutdown(writeDescriptor, CInt(SHUT_WR))
        case .standardIO:
            guard let descriptorKind = try? Descriptor.kind(of: writeDescriptor) else { return }
            Descriptor.endOutput(writeDescriptor, kind: descriptorKind)
        }
    }

    /// A non-blocking connect's outcome once poll says writable: 0 or the
    /// errno it failed with (`getsockopt(SO_ERROR)`).
    var pendingError: CInt {
        var value: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        if Glibc.getsockopt(readDescriptor, SOL_SOCKET, SO_ERROR, &value, &length) == -1 { return errno }
        return value
    }

    /// The far side refused the channel: make close(2) send a reset (SO_LINGER
    /// 0), so the local client sees "Connection reset" at once rather than an
    /// orderly end that looks like an empty answer.
    func resetOnClose() {
        guard kind == .socket else { return }
        var value = linger(l_onoff: 1, l_linger: 0)
        _ = Glibc.setsockopt(writeDescriptor, SOL_SOCKET, SO_LINGER, &value, socklen_t(MemoryLayout<linger>.size))
    }
}
