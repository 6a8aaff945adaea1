import SNCSocket
import Glibc

/// How one client's visit to `snc serve` ended.
package enum ServedOutcome: Sendable, Equatable {
    /// The whole message was read and the receipt sent.
    case ok
    /// The message passed --max-message; the client was told and closed.
    case tooLong
    /// Nothing arrived for --idle-timeout (or the client stopped reading); told and closed.
    case idle
    /// The message was not complete --message-timeout after accept; told and closed.
    case messageTimeout
    /// The client reset the connection (RST) or vanished mid-exchange.
    case reset
    /// Any other failure, with the call and errno.
    case failed(SyscallError)

    /// The words used in the log line.
    package var words: String {
        switch self {
        case .ok: "ok"
        case .tooLong: "message too long"
        case .idle: "idle timeout"
        case .messageTimeout: "message timeout"
        case .reset: "reset or gone"
        case .failed(let error): "error: \(error)"
        }
    }

    /// Classifies an error from a client's socket.
    package init(error: SyscallError) {
        switch error.errno.rawValue {
        case ECONNRESET, EPIPE, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH: self = .reset
        default: self = .failed(error)
        }
    }
}
