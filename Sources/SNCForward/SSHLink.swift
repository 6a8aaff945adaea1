import SNCSSH
import SNCSocket
import Glibc

/// A TCP connection to an SSH server (or a proxy process's socket) and the
/// session running on it.
///
/// The link owns the socket; the session borrows its descriptor, so the
/// session is released first and the socket closed after. Whoever holds
/// channels of this session must drop them before the link (the engine does),
/// and nobody else keeps a strong reference to `session` beyond a call
/// (the tunnel worker holds it `unowned`).
package final class SSHLink {
    package private(set) var session: SSHSession?
    private let socket: Socket
    /// "127.0.0.1:22", for messages; nil through a proxy.
    package let peer: SocketAddress?
    /// The ProxyCommand or jump-host process carrying the connection, if any.
    let proxy: ProxyProcess?

    init(connection: consuming TCPConnection, session: SSHSession) {
        self.peer = connection.peer
        self.proxy = connection.proxy
        self.socket = connection.socket
        self.session = session
    }

    /// The socket's descriptor, for poll(2).
    package var descriptor: CInt { socket.descriptor }

    deinit {
        session = nil
        // The proxy ends when its stdin ends: shut our end down, then reap it
        // (bounded) before the link is gone.
        if let proxy {
            _ = Glibc.shutdown(socket.descriptor, CInt(SHUT_RDWR))
            proxy.terminate()
        }
    }
}
