import CLibSSH2
import SNCSocket

/// A port the SSH server listens on for us (`tcpip-forward`, RFC 4254 §7.1):
/// owns a `LIBSSH2_LISTENER`. Connections to it arrive as channels.
///
/// It holds its session strongly, like `SSHChannel`, so the session is
/// never freed while the listener can still be used. It is not cancelled in
/// `deinit`: `libssh2_session_free` cancels and frees every listener still
/// open (in blocking mode, bounded by the session's timeout), where a
/// non-blocking cancel here could stop half-way.
package final class SSHRemoteListener {
    private let session: SSHSession
    private let handle: OpaquePointer
    /// The port the server bound (the one it chose when asked for port 0).
    package let boundPort: UInt16

    init(session: SSHSession, handle: OpaquePointer, boundPort: UInt16) {
        self.session = session
        self.handle = handle
        self.boundPort = boundPort
    }

    /// Wraps `libssh2_channel_forward_accept`: the next connection the
    /// server forwarded (its channel is already confirmed), or `.wouldBlock`
    /// when none is queued. It reads what the server sent first.
    package func accept() throws(SSHError) -> IOResult<SSHChannel> {
        if let channel = libssh2_channel_forward_accept(handle) {
            return .done(SSHChannel(session: session, handle: channel))
        }
        let code = libssh2_session_last_errno(session.handle)
        // libssh2 says "channel not found" (not EAGAIN) when the read found
        // a packet but no connection for us: nothing to accept either.
        if code == LIBSSH2_ERROR_EAGAIN || code == LIBSSH2_ERROR_CHANNEL_UNKNOWN { return .wouldBlock }
        throw session.lastError(call: "libssh2_channel_forward_accept", code: code)
    }
}

extension SSHSession {
    /// Wraps `libssh2_channel_forward_listen_ex`: asks the server to listen
    /// on `host`:`port` ("" = every interface, "localhost" = loopback, as
    /// ssh sends them; port 0 = the server chooses). On `.wouldBlock`, call
    /// again with the same arguments. A refusal throws
    /// (`isRequestDenied`).
    package func listenRemotely(host: String, port: UInt16, queueSize: Int32) throws(SSHError) -> IOResult<SSHRemoteListener> {
        var bound: CInt = 0
        let pointer = libssh2_channel_forward_listen_ex(handle, host, CInt(port), &bound, queueSize)
        if let pointer {
            return .done(SSHRemoteListener(session: self, handle: pointer, boundPort: UInt16(truncatingIfNeeded: port == 0 ? bound : CInt(port))))
        }
        let code = libssh2_session_last_errno(handle)
        if code == LIBSSH2_ERROR_EAGAIN { return .wouldBlock }
        throw lastError(call: "libssh2_channel_forward_listen_ex", code: code)
    }
}

extension SSHChannel {
    /// Wraps `libssh2_channel_receive_window_adjust2`: lets the far side send
    /// up to `bytes` more (channels the server opens start with libssh2's
    /// 2 MiB default, which caps one channel at 2 MiB a round trip).
    package func growReceiveWindow(by bytes: UInt) {
        var window: UInt32 = 0
        _ = libssh2_channel_receive_window_adjust2(handle, UInt(bytes), 1, &window)
    }
}
