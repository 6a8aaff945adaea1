import SNCSocket
import Glibc

/// What libssh2's C callbacks reach through the session's `abstract` pointer.
///
/// A session is used by one thread only, and libssh2 calls these callbacks
/// synchronously from inside a call on that session, on that thread; so the
/// mutable fields are never touched concurrently.
final class SSHSessionContext {
    /// The SSH connection's socket (for a session carried by a jump host's
    /// channel, the socket at the bottom of the chain, which libssh2 polls
    /// when it blocks). libssh2 also sends and receives through these
    /// callbacks on other descriptors (the ssh-agent socket), which must
    /// pass straight through.
    let socket: CInt
    /// The jump host's direct-tcpip channel this session's bytes travel in,
    /// instead of the socket; nil for a session on its own socket. The
    /// context owns it, so it (and the outer session it holds) outlives
    /// the `LIBSSH2_SESSION` that sends through it.
    let carrier: SSHChannel?
    /// What to call the carrier in messages ("jump host bastion").
    let carrierName: String
    /// Why the carrier stopped carrying (its end, or the outer session's
    /// error), which is why this session failed: its messages say this
    /// rather than libssh2's "socket disconnect".
    var carrierFailure: String?

    init(socket: CInt, carrier: SSHChannel?, carrierName: String = "") {
        self.socket = socket
        self.carrier = carrier
        self.carrierName = carrierName
    }

    /// Monotonic nanoseconds of the last time the server sent us a byte:
    /// the engine's evidence that the server is alive.
    var lastReceivedNanoseconds: UInt64 = MonotonicClock.now()
    /// Bytes received on the TCP socket, so the engine can tell that libssh2
    /// has queued new packets (which may belong to any channel).
    var bytesReceived: UInt64 = 0
    /// False once TCP_QUICKACK failed: the session runs over a socketpair to
    /// a ProxyCommand, where the option does not exist and
    /// trying again after every read would cost a failing system call each.
    var quickAckApplies = true
    /// Seconds between keepalives (`configureKeepalive`); 0 = none.
    var keepaliveInterval = 0
    /// Answers keyboard-interactive prompts during `authenticateKeyboardInteractive`.
    var keyboardInteractive: ((KeyboardInteractiveChallenge) -> [String]?)?
    /// Set when the server accepted a public key offered without a signature.
    var publicKeyAccepted = false
    /// What was read from the socket before libssh2 asked for it (see
    /// `ReadAhead`). Made on first use: a session carried by a jump host's
    /// channel never reads the socket itself.
    lazy var readAhead = ReadAhead()
    /// What the socket has not taken yet (see `OutboundBuffer`).
    let outbound = OutboundBuffer()
    /// The first socket error seen while sending, as -errno.
    var sendError = 0
    /// Set while the session is in blocking mode (teardown): sends then wait
    /// for the socket instead of buffering, because libssh2 would otherwise
    /// wait for a reply to a request still sitting in our buffer.
    var sendsSynchronously = false
}

/// One keyboard-interactive round (`SSH_MSG_USERAUTH_INFO_REQUEST`): a name,
/// an instruction and the prompts the server wants answered, in order.
package struct KeyboardInteractiveChallenge: Sendable {
    package struct Prompt: Sendable {
        package let text: String
        package let echo: Bool
    }

    package let name: String
    package let instruction: String
    package let prompts: [Prompt]
}
