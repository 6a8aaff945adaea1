import SNCSocket
import Glibc

/// The local side of a tunnel: an accepted TCP connection (owned: closed
/// when the endpoint goes away) or snc's own stdin/stdout (borrowed: snc
/// never closes them).
struct LocalEndpoint: ~Copyable {
    let readDescriptor: CInt
    let writeDescriptor: CInt
    private let ownsSocket: Bool

    /// Takes over an accepted socket.
    init(socket: consuming Socket) {
        let descriptor = socket.release()
        readDescriptor = descriptor
        writeDescriptor = descriptor
        ownsSocket = true
        outputWasNonBlocking = false
    }

    /// stdout's O_NONBLOCK before the tunnel set it: put back before stdout
    /// is ended, since the pipe's open file is shared with other processes.
    private let outputWasNonBlocking: Bool

    /// stdin and stdout, borrowed.
    init(standardIO: Void, outputWasNonBlocking: Bool) {
        readDescriptor = STDIN_FILENO
        writeDescriptor = STDOUT_FILENO
        ownsSocket = false
        self.outputWasNonBlocking = outputWasNonBlocking
    }

    deinit {
        // Linux frees the descriptor even when close fails with EINTR: never retry.
        if ownsSocket { _ = Glibc.close(readDescriptor) }
    }

    /// Wraps `read(2)`; `.done(0)` is end of stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SyscallError) -> IOResult<Int> {
        try Descriptor.read(readDescriptor, into: buffer)
    }

    /// Wraps `send(2)` with MSG_NOSIGNAL for sockets, `write(2)` for stdout.
    func write(_ buffer: UnsafeRawBufferPointer) throws(SyscallError) -> IOResult<Int> {
        if ownsSocket {
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
        if ownsSocket {
            _ = Glibc.shutdown(writeDescriptor, CInt(SHUT_WR))
            return
        }
        guard let kind = try? Descriptor.kind(of: writeDescriptor) else { return }
        try? Descriptor.setNonBlocking(writeDescriptor, outputWasNonBlocking)
        Descriptor.endOutput(writeDescriptor, kind: kind)
    }

    /// The far side refused the channel: make close(2) send a reset (SO_LINGER
    /// 0), so the local client sees "Connection reset" at once rather than an
    /// orderly end that looks like an empty answer.
    func resetOnClose() {
        guard ownsSocket else { return }
        var value = linger(l_onoff: 1, l_linger: 0)
        _ = Glibc.setsockopt(writeDescriptor, SOL_SOCKET, SO_LINGER, &value, socklen_t(MemoryLayout<linger>.size))
    }
}
