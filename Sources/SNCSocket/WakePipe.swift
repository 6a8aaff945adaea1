import Glibc

/// A self-pipe that wakes a poll(2) loop from another thread: the loop polls
/// `readEnd` for POLLIN, any thread calls `wake()`, the loop calls `drain()`.
///
/// Both ends are made non-blocking and close-on-exec in one atomic
/// `pipe2(2)` call, so a wake never blocks the waker (a full pipe already
/// holds a wake-up) and no child process inherits the descriptors.
/// The object owns both descriptors and closes them in `deinit`.
package final class WakePipe: Sendable {
    package let readEnd: CInt
    private let writeEnd: CInt

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
}
