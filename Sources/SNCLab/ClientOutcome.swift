import SNCSocket
import Glibc

/// How one load client's exchange ended.
package enum ClientOutcome: Sendable, Hashable {
    /// The whole protocol ran and the receipt matched the message sent.
    case completed
    /// ECONNREFUSED: a reset answered the SYN (nothing listening, or
    /// tcp_abort_on_overflow=1 and a full accept queue).
    case refused
    /// ECONNRESET or EPIPE: the connection was reset after it was set up.
    case reset
    /// No connection within --timeout (SYNs unanswered: often a full accept queue).
    case connectTimedOut
    /// Connected, but the intro or the receipt did not come within --timeout.
    case replyTimedOut
    /// The server answered something other than the right receipt, or closed early.
    case badReceipt
    /// A limit of the load generator's own machine, not a TCP error: out of
    /// file descriptors (EMFILE, ENFILE), socket buffers (ENOBUFS), or local
    /// ports for a source address (EADDRNOTAVAIL, EADDRINUSE: TIME_WAIT).
    case clientLimit(CInt)
    /// Any other errno, by number.
    case other(CInt)

    /// Classifies a failed call.
    package init(error: SyscallError) {
        switch error.errno.rawValue {
        case ECONNREFUSED: self = .refused
        case ECONNRESET, EPIPE, ECONNABORTED: self = .reset
        case ETIMEDOUT: self = error.call == "connect" ? .connectTimedOut : .replyTimedOut
        case EMFILE, ENFILE, ENOBUFS, EADDRNOTAVAIL, EADDRINUSE: self = .clientLimit(error.errno.rawValue)
        default: self = .other(error.errno.rawValue)
        }
    }

    package var isFailure: Bool { self != .completed }

    /// True when the load generator's own machine ran out of something:
    /// not a measurement of the server or of TCP.
    package var isClientLimit: Bool {
        if case .clientLimit = self { return true }
        return false
    }

    /// True for a client the server or TCP failed: what the report counts
    /// as failed and the IO graph draws as an error.
    package var isServerSideFailure: Bool { isFailure && !isClientLimit }
}

/// What one load client did, kept for the report and the IO graph.
package struct ClientRecord: Sendable, Equatable {
    /// When it finished, in nanoseconds since its level started.
    package var finishedAt: UInt64
    /// From socket(2) to the connection being set up; nil if it never was.
    package var connectNanoseconds: UInt64?
    /// From socket(2) to the receipt and the server's close (or the failure).
    package var totalNanoseconds: UInt64
    package var bytesSent: Int
    package var bytesReceived: Int
    package var outcome: ClientOutcome
    /// With `--rate`: how long after its due time the client started (0 when on time).
    package var scheduleLagNanoseconds: UInt64? = nil

    package init(finishedAt: UInt64, connectNanoseconds: UInt64?, totalNanoseconds: UInt64, bytesSent: Int, bytesReceived: Int, outcome: ClientOutcome) {
        self.finishedAt = finishedAt
        self.connectNanoseconds = connectNanoseconds
        self.totalNanoseconds = totalNanoseconds
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
        self.outcome = outcome
    }
}

/// errno numbers by their C names ("EMFILE"), for reports people search for.
package enum ErrnoName {
    package static func of(_ code: CInt) -> String {
        names[code] ?? "errno \(code)"
    }

    private static let names: [CInt: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", EINTR: "EINTR", EIO: "EIO", EBADF: "EBADF", EAGAIN: "EAGAIN",
        ENOMEM: "ENOMEM", EACCES: "EACCES", EFAULT: "EFAULT", EBUSY: "EBUSY", EINVAL: "EINVAL",
        ENFILE: "ENFILE", EMFILE: "EMFILE", ENOSPC: "ENOSPC", EPIPE: "EPIPE", ENOBUFS: "ENOBUFS",
        EADDRINUSE: "EADDRINUSE", EADDRNOTAVAIL: "EADDRNOTAVAIL", ENETDOWN: "ENETDOWN",
        ENETUNREACH: "ENETUNREACH", ECONNABORTED: "ECONNABORTED", ECONNRESET: "ECONNRESET",
        EISCONN: "EISCONN", ENOTCONN: "ENOTCONN", ETIMEDOUT: "ETIMEDOUT", ECONNREFUSED: "ECONNREFUSED",
        EHOSTDOWN: "EHOSTDOWN", EHOSTUNREACH: "EHOSTUNREACH", EALREADY: "EALREADY", EINPROGRESS: "EINPROGRESS",
        EAFNOSUPPORT: "EAFNOSUPPORT", EPROTO: "EPROTO",
    ]
}
