import Glibc
import Synchronization

/// A self-pipe that wakes a poll(2) loop from another thread: the loop polls
/// `readEnd` for POLLIN, any thread calls `wake()`, the loop calls `drain()`.
///
/// Both ends are made non-blocking and close-on-exec in one atomic
/// `pipe2(2)` call, so a wake never blocks the waker (a full pipe already
/// holds a wake-up) and no child process inherits the descriptors.
/// The object owns both descriptors and closes them in `deinit`.
///
/// A loop that sleeps only now and then (the lab server's accept loop when
/// it is full) arms the pipe before it sleeps and wakers call
/// `wakeIfArmed()`: a busy loop then costs its wakers nothing.
package final class WakePipe: Sendable {
    package let readEnd: CInt
    private let writeEnd: CInt
    /// Set by the loop before it sleeps; `wakeIfArmed()` writes only then.
    private let armed = Atomic<Bool>(false)

    /// Wraps `pipe2(2)` with O_CLOEXEC|O_NONBLOCK.
    package init() throws(SyscallError) {
        (readEnd, writeEnd) = try Descriptor.makePipe()
    }

    deinit {
        _ = close(readEnd)
        _ = close(writeEnd)
    }

    /// Makes `readEnd` readable. EAGAIN means the pipe is full, so a wake-up
    /// is already pending; nothing else can fail on a pipe whose read end
    /// this object keeps open, so the result is not reported.
    package func wake() {
        var byte: UInt8 = 1
        _ = try? retryingNonBlocking("write") { write(writeEnd, &byte, 1) }
    }

    /// Empties the pipe, so the next poll sleeps until the next `wake()`.
    package func drain() {
        var scratch = [UInt8](repeating: 0, count: 64)
        while true {
            let result = try? retryingNonBlocking("read") {
                scratch.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            }
            guard case .done(let count) = result, count > 0 else { return }
        }
    }

    /// Called by the loop before it re-checks its condition and sleeps.
    /// Sequentially consistent with `wakeIfArmed()`'s load, so either the
    /// loop sees what the waker changed or the waker sees the armed flag.
    package func arm() { armed.store(true, ordering: .sequentiallyConsistent) }

    /// Called by the loop after it wakes: stops the writes and empties the pipe.
    package func disarm() {
        armed.store(false, ordering: .sequentiallyConsistent)
        drain()
    }

    /// `wake()`, but only while the loop is armed.
    package func wakeIfArmed() {
        guard armed.load(ordering: .sequentiallyConsistent) else { return }
        wake()
    }
}
