import CLibSSH2

/// A libssh2 call that failed: which call, libssh2's error code, and
/// libssh2's own explanation (from `libssh2_session_last_error`).
///
/// LIBSSH2_ERROR_EAGAIN is never one of these: it is a state of a
/// non-blocking session and comes back as `IOResult.wouldBlock`.
package struct SSHError: Error, Sendable, CustomStringConvertible {
    package let call: String
    package let code: Int32
    package let message: String

    package init(call: String, code: Int32, message: String) {
        self.call = call
        self.code = code
        self.message = message
    }

    package var description: String { message.isEmpty ? "\(call): libssh2 error \(code)" : "\(call): \(message)" }

    /// Why it failed, for a message: libssh2's (or the server's) words, or
    /// the call and code when there are none.
    package var reason: String { message.isEmpty ? description : message }

    /// The peer closed the TCP connection or the socket failed.
    package var isDisconnect: Bool {
        code == LIBSSH2_ERROR_SOCKET_DISCONNECT || code == LIBSSH2_ERROR_SOCKET_RECV
            || code == LIBSSH2_ERROR_SOCKET_SEND || code == LIBSSH2_ERROR_SOCKET_NONE
            || code == LIBSSH2_ERROR_BAD_SOCKET
    }

    /// The server refused a global request (a remote forward's `tcpip-forward`).
    package var isRequestDenied: Bool { code == LIBSSH2_ERROR_REQUEST_DENIED }

    /// The far side refused a channel (`SSH_MSG_CHANNEL_OPEN_FAILURE`).
    package var isChannelOpenFailure: Bool { code == LIBSSH2_ERROR_CHANNEL_FAILURE }

    /// The server said no to a user/key combination or a password.
    package var isAuthenticationRefusal: Bool {
        code == LIBSSH2_ERROR_AUTHENTICATION_FAILED || code == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED
    }
}
