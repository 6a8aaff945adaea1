import SystemPackage
import SNCSocket
import Glibc

/// How a direction ends: end of input, a failed call on either end, or the
/// connection lost in the other direction.
extension RelayDirection {
    /// Why a direction stopped early.
    package enum Failure: Equatable, Sendable {
        /// The peer reset or aborted the connection.
        case network(SyscallError)
        /// stdin or stdout failed (not a closed stdout pipe, which ends quietly).
        case local(SyscallError)
    }

    func sourceEnded() {
        reachedEnd = true
        state = staging.pendingCount > 0 ? .draining : .closed
    }

    /// Records a failed call and stops the direction the way that failure requires.
    ///
    /// - Parameter onSocket: whether the failed call was on the socket (true)
    ///   or on stdin/stdout (false). Any socket error ends the connection: one
    ///   treated as local would leave staged bytes that fail again on every
    ///   round. nil: the call used both ends (splice(2) straight across), so
    ///   the errno decides.
    func fail(_ error: SyscallError, onSocket: Bool?) {
        let networkErrors: Set<Errno> = [
            .connectionReset, .connectionAbort, .connectionRefused, .timedOut, .socketNotConnected,
            .noRouteToHost, .networkUnreachable, .networkDown, .networkReset,
            .hostIsDown, .noBufferSpace, .protocolNotAvailable,
        ]
        let onNetwork = onSocket ?? (networkErrors.contains(error.errno)
            || (error.errno == .brokenPipe && networkEnd == .sink))
        if onNetwork {
            networkLost(error)
        } else if networkEnd == .sink {
            // Reading stdin failed: treat it as its end, after noting why.
            failure = failure ?? .local(error)
            sourceEnded()
        } else {
            // stdout is gone. A closed pipe (`| head`) ends this direction quietly.
            if error.errno != .brokenPipe { failure = failure ?? .local(error) }
            state = .closed
        }
    }

    /// Tells the peer that no more data comes, with shutdown(2) SHUT_WR
    /// (only when `halfCloses`), once this outbound direction has closed at
    /// its source's end: every staged byte written, nothing failed. A failed
    /// shutdown means the connection is already gone, which the other
    /// direction reports. Returns false, doing nothing, for any other ending.
    ///
    /// - Parameter endedEarlier: stdin ended in an earlier session (`-k`).
    package func endPeerInput(_ socket: borrowing Socket, endedEarlier: Bool, halfCloses: Bool) -> Bool {
        guard state == .closed, reachedEnd || endedEarlier, failure == nil else { return false }
        if halfCloses { try? socket.shutdown(.write, call: calls.shutdown) }
        return true
    }

    /// The connection is gone (reset, aborted, or the other direction saw it):
    /// nothing more can be sent, but what was received is still written out.
    func networkLost(_ error: SyscallError?) {
        if let error, failure == nil { failure = .network(error) }
        if networkEnd == .sink {
            state = .closed
        } else if state == .open {
            state = staging.pendingCount > 0 ? .draining : .closed
        }
    }
}
