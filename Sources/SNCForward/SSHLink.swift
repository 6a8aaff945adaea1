import SNCSSH
import SNCSocket

/// A TCP connection to an SSH server and the session running on it.
///
/// The link owns the socket; the session borrows its descriptor, so the
/// session is released first and the socket closed after. Whoever holds
/// channels of this session must drop them before the link (the engine does),
/// and nobody else keeps a strong reference to `session` beyond a call
/// (the tunnel worker holds it `unowned`).
package final class SSHLink {
    package private(set) var session: SSHSession?
    private let socket: Socket
    /// "127.0.0.1:22", for messages.
    package let peer: SocketAddress

    init(connection: consuming TCPConnection, session: SSHSession) {
        self.peer = connection.peer
        self.socket = connection.socket
        self.session = session
    }

    /// The socket's descriptor, for poll(2).
    package var descriptor: CInt { socket.descriptor }

    deinit {
        session = nil
    }
}
