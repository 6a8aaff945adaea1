import SNCSSH
import SNCSocket
import Glibc

/// Runs one non-blocking libssh2 call to completion: on `.wouldBlock` it
/// polls the SSH socket in the direction libssh2 is waiting for, then
/// repeats the call with the same arguments, as libssh2 requires.
/// Used while setting a session up (handshake, authentication), before the
/// forwarding loop takes over.
enum SessionDriver {
    static func run<Value>(
        _ session: SSHSession, deadline: Deadline?, _ call: () throws(SSHError) -> IOResult<Value>
    ) throws(SSHError) -> Value {
        while true {
            if case .done(let value) = try call() {
                // What the call sent may still sit in snc's send buffer.
                try session.flushOutbound()
                return value
            }
            try wait(session, deadline: deadline)
        }
    }

    /// Waits until the socket is ready in libssh2's blocked direction, or
    /// throws a timeout once `deadline` has passed.
    static func wait(_ session: SSHSession, deadline: Deadline?) throws(SSHError) {
        try session.flushOutbound()
        if let deadline, deadline.hasPassed {
            throw .timedOut(call: "poll")
        }
        // A jump host's session has already read what this call needs.
        if session.hasBufferedInput { return }
        do {
            try Poll.wait(for: session.socket, PollEvents(rawValue: session.pollEvents), timeoutMilliseconds: deadline.map { min($0.remainingMilliseconds, 1000) } ?? 1000)
        } catch {
            throw .socketFailure(call: "poll", message: error.description)
        }
    }
}
