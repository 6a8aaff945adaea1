import Glibc

/// What one `accept4(2)` on a listener came to. Only errors that mean
/// something is wrong with the listener itself are thrown; the rest are
/// states every server answers the same way (see `init(failure:)`).
package enum AcceptOutcome: ~Copyable {
    /// A new connection and who it came from.
    case accepted(Socket.Accepted)
    /// Nothing is waiting (EAGAIN on a non-blocking listener).
    case none
    /// The client left, or its network failed, before it was taken: take
    /// the next one.
    case clientGone
    /// The process or system is out of descriptors or memory: the client
    /// stays in the backlog and the listener stays readable, so the caller
    /// pauses (`AcceptBackoff`) rather than polling it again at once.
    case outOfDescriptors(SyscallError)

    /// What a failed accept means, or nil when the failure is the
    /// listener's own (EBADF, EINVAL, ENOTSOCK, ...) and must be thrown.
    /// This is the one errno table for every server in snc.
    package static func kind(of failure: SyscallError) -> Failure? {
        switch failure.errno.rawValue {
        // accept(2): Linux passes the new socket's pending network errors to
        // accept and asks for them to be treated like EAGAIN (retry).
        case ECONNABORTED, EPROTO, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, EOPNOTSUPP, ENETUNREACH:
            .clientGone
        case EMFILE, ENFILE, ENOBUFS, ENOMEM:
            .outOfDescriptors
        default:
            nil
        }
    }

    /// The classes of `kind(of:)`.
    package enum Failure: Equatable, Sendable {
        case clientGone, outOfDescriptors
    }
}
