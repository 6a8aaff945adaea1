import CLinux
import SNCSocket
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Wakes the accept loop when a client finishes, so a loop that stopped
/// accepting (at --max-clients, or out of file descriptors) resumes at once
/// instead of polling on a timer. A self-pipe: the loop polls the read end.
///
/// Owned by every client thread and the loop together; the pipe is closed
/// when the last of them lets go.
package final class Wakeup: Sendable {
    package let readEnd: CInt
    private let writeEnd: CInt
    /// Set by the loop before it sleeps; finishing clients write only then,
    /// so a busy server pays nothing.
    private let armed = Atomic<Bool>(false)

    /// Wraps `pipe2(2)` with O_NONBLOCK|O_CLOEXEC.
    package init() throws(SyscallError) {
        var ends: [CInt] = [-1, -1]
        _ = try retrying("pipe2") { snc_pipe2(&ends, O_CLOEXEC | O_NONBLOCK) }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        _ = close(readEnd)
        _ = close(writeEnd)
    }

    /// Called by the loop before it re-checks its condition and sleeps.
    /// Sequentially consistent with `notify()`'s load, so either the loop
    /// sees the freed slot or the client sees the armed flag.
    package func arm() { armed.store(true, ordering: .sequentiallyConsistent) }

    package func disarm() {
        armed.store(false, ordering: .sequentiallyConsistent)
        var scratch = [UInt8](repeating: 0, count: 64)
        while scratch.withUnsafeMutableBytes({ read(readEnd, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Called by a client thread after it has closed its socket.
    package func notify() {
        guard armed.load(ordering: .sequentiallyConsistent) else { return }
        var byte: UInt8 = 1
        // A full pipe already holds a wake-up; EAGAIN is fine.
        _ = write(writeEnd, &byte, 1)
    }
}
