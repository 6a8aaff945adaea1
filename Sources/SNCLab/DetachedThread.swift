#if canImport(Glibc)
import Glibc
#endif
import SNCSocket

/// Starts detached POSIX threads with a chosen stack size.
///
/// The lab server starts one thread per client; at 10,000 clients the
/// default 8 MiB stacks would reserve 80 GiB of address space and the
/// kernel's per-thread mappings would dominate memory, so the server asks
/// for small stacks. Only the pages a thread touches become resident.
package enum DetachedThread {
    /// The body and nothing else crosses into the new thread.
    private final class Entry: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Wraps `pthread_create(3)` with PTHREAD_CREATE_DETACHED and
    /// `pthread_attr_setstacksize(3)`. Throws EAGAIN when the system is out
    /// of threads or memory; the caller decides whether to wait and retry.
    package static func start(stackSize: Int, _ body: @escaping @Sendable () -> Void) throws(SyscallError) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        let size = max(stackSize, Int(PTHREAD_STACK_MIN))
        var status = pthread_attr_setstacksize(&attributes, size)
        if status != 0 { throw SyscallError("pthread_attr_setstacksize", code: status) }
        status = pthread_attr_setdetachstate(&attributes, CInt(PTHREAD_CREATE_DETACHED))
        if status != 0 { throw SyscallError("pthread_attr_setdetachstate", code: status) }

        let entry = Unmanaged.passRetained(Entry(body)).toOpaque()
        var thread = pthread_t()
        status = pthread_create(&thread, &attributes, { argument in
            guard let argument else { return nil }
            let entry = Unmanaged<Entry>.fromOpaque(argument).takeRetainedValue()
            entry.body()
            return nil
        }, entry)
        if status != 0 {
            Unmanaged<Entry>.fromOpaque(entry).release()
            throw SyscallError("pthread_create", code: status)
        }
    }
}
