/// How one connection's data moves between stdin/stdout and the socket.
package struct SessionOptions: Sendable, Equatable {
    /// False with nc's `-d` and ncat's `--recv-only`: stdin is never read.
    package var readsInput = true
    /// False with `--send-only`: data from the peer is read and thrown away.
    package var writesOutput = true
    /// `--send-only`: the session ends once stdin is sent, without waiting for the peer.
    package var endsWhenInputSent = false
    /// The session ends once the peer has closed and its data is written,
    /// even if stdin is still open: nc's rule for `-l`, which snc follows when
    /// stdin is a terminal, so that an operator need not type ^D after each client.
    package var endsWhenPeerCloses = false
    /// Once the peer has finished sending and all of it is written, stdout
    /// is ended (`LocalStreams.endOutput`) so that its reader sees end of
    /// file, while stdin may still be sent. Off with `-k`, whose stdout
    /// carries the next client's data too.
    package var endsOutputWhenPeerFinishes = true
    /// shutdown(SHUT_WR) once stdin ends and is sent, so the peer sees EOF
    /// (snc's default; nc needs `-N`). Off with `--no-shutdown`.
    package var halfCloses = true
    /// Debian nc's `-q`: quit this many seconds after stdin ends; nil waits for the peer.
    package var quitAfterInputEnds: Double?
    /// `-w` (connect side, after connecting) or `--idle-timeout`: end the
    /// session when no data moves in either direction for this long.
    package var idleTimeout: Double?
    /// Whether an idle timeout is a failure (`--idle-timeout`, as ncat) or a
    /// quiet end (`-w`, as nc).
    package var idleTimeoutFails = false
    /// `-C`: send each bare "\n" from stdin as "\r\n" (`RelayLineEndings`).
    package var crlf = false
    /// `--output FILE`: log everything sent and received.
    package var outputLog: String?
    /// `--hex-dump FILE`: log everything sent and received as ncat's hex dump.
    package var hexDumpLog: String?

    /// `--verify`: each direction carries a header and a SHA-256 trailer
    /// (`VerifyTrailer`), checked by the receiver.
    package var verifies = false
    /// `--exec` / `--sh-exec` (with `--pty`): the connection goes to this
    /// program instead of stdin and stdout.
    package var program: ProgramCommand?

    package init() {}

    /// The idle timeout when it counts as a failure (`--idle-timeout`), else nil.
    package var failingIdleTimeout: Double? { idleTimeoutFails ? idleTimeout : nil }

    /// Whether data must pass through user space (for a transform or a log),
    /// which rules out splice(2).
    package var needsCopying: Bool { crlf || outputLog != nil || hexDumpLog != nil || verifies }
}
