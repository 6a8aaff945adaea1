import CLinux
import Glibc

/// Signals delivered as readable data on a descriptor (`signalfd(2)`), so a
/// poll or epoll loop sees SIGINT or SIGTERM like any other event, with no
/// async-signal-safety rules to follow in a handler.
///
/// Creating one blocks the signals in the calling thread; threads started
/// afterwards inherit that mask, so create it before starting any.
package struct SignalDescriptor: ~Copyable {
    package let descriptor: CInt

    /// Wraps `pthread_sigmask(3)` and `signalfd(2)`.
    package init(signals: [CInt]) throws(SyscallError) {
        let fd = signals.withUnsafeBufferPointer { snc_signalfd_blocking($0.baseAddress, CInt($0.count)) }
        if fd == -1 { throw SyscallError("signalfd", code: errno) }
        descriptor = fd
    }

    deinit {
        _ = Glibc.close(descriptor)
    }

    /// The next pending signal, or nil if none is waiting.
    package func next() throws(SyscallError) -> CInt? {
        let signal = snc_signalfd_next(descriptor)
        if signal == -1 { throw SyscallError("read", code: errno) }
        return signal == 0 ? nil : signal
    }
}
