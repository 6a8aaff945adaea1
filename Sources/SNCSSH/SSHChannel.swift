import CLibSSH2
import SNCSocket

/// One SSH channel: owns a `LIBSSH2_CHANNEL`.
///
/// It holds its session strongly, so a session is never freed while one of
/// its channels is alive. Like the session, it belongs to one thread.
package final class SSHChannel {
    let session: SSHSession
    let handle: OpaquePointer
    private var freed = false

    init(session: SSHSession, handle: OpaquePointer) {
        self.session = session
        self.handle = handle
    }

    deinit {
        if !freed { session.freeChannelBlocking(handle) }
    }

    /// Wraps `libssh2_channel_read_ex` on the data stream: `.done(0)` means
    /// the far side sent EOF (or closed) and nothing is left to read.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(SSHError) -> IOResult<Int> {
        let count = libssh2_channel_read_ex(handle, 0, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count)
        if count >= 0 { return .done(count) }
        if count == Int(LIBSSH2_ERROR_EAGAIN) { return .wouldBlock }
        throw session.lastError(call: "libssh2_channel_read_ex", code: Int32(truncatingIfNeeded: count))
    }

    /// Wraps `libssh2_channel_write_ex`: sends at most one packet and at most
    /// what the far side's window allows. After `.wouldBlock`, call again with
    /// a buffer that starts with the same bytes: libssh2 may have committed to
    /// (and encrypted) part of them.
    package func write(_ buffer: UnsafeRawBufferPointer) throws(SSHError) -> IOResult<Int> {
        let count = libssh2_channel_write_ex(handle, 0, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), buffer.count)
        if count >= 0 { return .done(count) }
        if count == Int(LIBSSH2_ERROR_EAGAIN) { return .wouldBlock }
        throw session.lastError(call: "libssh2_channel_write_ex", code: Int32(truncatingIfNeeded: count))
    }

    /// Wraps `libssh2_channel_send_eof`: the far side sees our end of stream
    /// (sshd then shuts down its socket to the target for writing).
    package func sendEOF() throws(SSHError) -> IOResult<Void> {
        try session.check(libssh2_channel_send_eof(handle), "libssh2_channel_send_eof")
    }

    /// Wraps `libssh2_poll_channel_read`: data for this channel is already
    /// inside libssh2, read from the socket, where poll(2) cannot see it.
    package var hasQueuedData: Bool { libssh2_poll_channel_read(handle, 0) == 1 }

    /// Wraps `libssh2_channel_eof`: the far side has sent EOF or closed.
    package var receivedEOF: Bool { libssh2_channel_eof(handle) == 1 }

    /// Wraps `libssh2_channel_window_write_ex`: bytes the far side will accept now.
    package var writeWindow: Int { Int(libssh2_channel_window_write_ex(handle, nil)) }

    /// Wraps `libssh2_channel_free`, which first sends SSH_MSG_CHANNEL_CLOSE and
    /// waits for the far side's; non-blocking, so call again on `.wouldBlock`.
    package func free() throws(SSHError) -> IOResult<Void> {
        if freed { return .done(()) }
        let code = libssh2_channel_free(handle)
        if code == LIBSSH2_ERROR_EAGAIN { return .wouldBlock }
        // Any other outcome means libssh2 has released the channel (it frees
        // even when the close could not be sent).
        freed = true
        return .done(())
    }
}
