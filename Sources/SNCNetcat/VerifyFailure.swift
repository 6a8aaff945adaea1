/// How a `--verify` transfer failed, for the one-line message and status 1.
/// Everything that arrived was written to stdout first.
package enum VerifyFailure: Sendable, Equatable, CustomStringConvertible {
    /// The stream ended before its trailer: cut short (the sender died, the
    /// connection was reset), or a peer without `--verify` sent nothing.
    case truncated(peer: String, bytes: Int, cause: String?)
    /// The data's SHA-256 differs from the one the sender computed.
    case mismatch(peer: String, bytes: Int, received: String, sent: String)
    /// The stream did not start with the `--verify` header.
    case unframed(peer: String, bytes: Int)

    package var description: String {
        switch self {
        case .truncated(let peer, let bytes, let cause):
            "--verify: the data from \(peer) ended after \(bytes) bytes without its SHA-256 trailer"
                + (cause.map { " (\($0))" } ?? "") + ": truncated"
        case .mismatch(let peer, let bytes, let received, let sent):
            "--verify: the \(bytes) bytes from \(peer) have SHA-256 \(received), the sender's is \(sent): the data changed on the way"
        case .unframed(let peer, let bytes):
            "--verify: the \(bytes) bytes from \(peer) carry no --verify header: the peer does not use --verify"
        }
    }
}
