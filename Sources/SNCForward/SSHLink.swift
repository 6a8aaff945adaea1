import SNCSSH
import SNCSocket
import Glibc

/// A connection to an SSH server and the session running on it: over a
/// TCP socket, a proxy process's socket, or a jump host's channel.
///
/// The link owns the socket; the session borrows its descriptor, so the
/// session is released first and the socket closed after. Through a jump
/// host, the link owns the jump host's link instead, and the session owns
/// the channel it runs in: releasing the session frees that channel, then
/// the jump host's link goes, innermost session first and the socket last.
/// Whoever holds channels of this session must drop them before the link
/// (the engine does), and nobody else keeps a strong reference to `session`
/// beyond a call (the tunnel worker holds it `unowned`).
package final class SSHLink {
    package private(set) var session: SSHSession?
    private let socket: Socket?
    /// The jump host's link whose channel carries `session`.
    private var jumpHost: SSHLink?
    /// The socket at the bottom of the chain, for poll(2).
    package let descriptor: CInt
    /// "127.0.0.1:22", for messages; nil through a proxy or a jump host.
    package let peer: SocketAddress?
    /// The ProxyCommand process carrying the connection, if any.
    let proxy: ProxyProcess?

    init(connection: consuming TCPConnection, session: SSHSession) {
        self.peer = connection.peer
        self.proxy = connection.proxy
        self.descriptor = connection.socket.descriptor
        let socket: Socket = connection.socket
        self.socket = .some(socket)
        self.jumpHost = nil
        self.session = session
    }

    /// `session` runs in a channel of `jumpHost`'s session.
    init(through jumpHost: SSHLink, session: SSHSession) {
        self.peer = nil
        self.proxy = nil
        self.descriptor = jumpHost.descriptor
        self.socket = nil
        self.jumpHost = jumpHost
        self.session = session
    }

    deinit {
        session = nil
        jumpHost = nil
        // The proxy ends when its stdin ends: shut our end down, then reap it
        // (bounded) before the link is gone.
        if let proxy {
            _ = Glibc.shutdown(descriptor, CInt(SHUT_RDWR))
            proxy.terminate()
        }
    }
}
