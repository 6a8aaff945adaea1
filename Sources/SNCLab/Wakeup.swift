import SNCSocket
import Synchronization

/// Wakes the accept loop when a client finishes, so a loop that stopped
/// accepting (at --max-clients, or out of file descriptors) resumes at once
/// instead of polling on a timer. The loop polls `readEnd`.
///
/// Owned by every client thread and the loop together; the pipe is closed
/// when the last of them lets go.
package final class Wakeup: Sendable {
    private let pipe: WakePipe
    /// Set by the loop before it sleeps; finishing clients write only then,
    /// so a busy server pays nothing.
    private let armed = Atomic<Bool>(false)

    package init() throws(SyscallError) {
        pipe = try WakePipe()
    }

    package var readEnd: CInt { pipe.readEnd }

    /// Called by the loop before it re-checks its condition and sleeps.
    /// Sequentially consistent with `notify()`'s load, so either the loop
    /// sees the freed slot or the client sees the armed flag.
    package func arm() { armed.store(true, ordering: .sequentiallyConsistent) }

    package func disarm() {
        armed.store(false, ordering: .sequentiallyConsistent)
        pipe.drain()
    }

    /// Called by a client thread after it has closed its socket.
    package func notify() {
        guard armed.load(ordering: .sequentiallyConsistent) else { return }
        pipe.wake()
    }
}
