import Glibc

/// Starts POSIX threads: detached ones that nobody waits for (the lab
/// server's thread per client, the load engines' workers) and joinable ones
/// (the forward engine's workers, joined before it returns).
package final class PosixThread {
    private var thread = pthread_t()
    private var joinable: Bool

    /// The body and nothing else crosses into the new thread; the starter
    /// keeps no reference to it.
    private final class Entry: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts a joinable thread; `join()` waits for it. `stackSize` nil: the
    /// system default.
    package init(stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) throws(SyscallError) {
        joinable = false
        thread = try Self.create(stackSize: stackSize, detached: false, body)
        joinable = true
    }

    /// Starts a detached thread with a chosen stack size. At 10,000 threads
    /// the default 8 MiB stacks would reserve 80 GiB of address space, so
    /// the lab asks for small ones; only the pages a thread touches become
    /// resident. Throws EAGAIN when the system is out of threads or memory;
    /// the caller decides whether to wait and retry.
    package static func detach(stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) throws(SyscallError) {
        _ = try create(stackSize: stackSize, detached: true, body)
    }

    /// Waits for a joinable thread to finish (`pthread_join(3)`); once only.
    package func join() {
        if joinable { pthread_join(thread, nil) }
        joinable = false
    }

    /// Wraps `pthread_create(3)`, with `pthread_attr_setstacksize(3)` and
    /// PTHREAD_CREATE_DETACHED as asked.
    private static func create(stackSize: Int?, detached: Bool, _ body: @escaping @Sendable () -> Void) throws(SyscallError) -> pthread_t {
        var attributes = pthread_attr_t()
        var status = pthread_attr_init(&attributes)
        if status != 0 { throw SyscallError("pthread_attr_init", code: status) }
        defer { pthread_attr_destroy(&attributes) }
        if let stackSize {
            status = pthread_attr_setstacksize(&attributes, max(stackSize, Int(PTHREAD_STACK_MIN)))
            if status != 0 { throw SyscallError("pthread_attr_setstacksize", code: status) }
        }
        if detached {
            status = pthread_attr_setdetachstate(&attributes, CInt(PTHREAD_CREATE_DETACHED))
            if status != 0 { throw SyscallError("pthread_attr_setdetachstate", code: status) }
        }
        let entry = Unmanaged.passRetained(Entry(body)).toOpaque()
        var thread = pthread_t()
        status = pthread_create(&thread, &attributes, { argument in
            guard let argument else { return nil }
            Unmanaged<Entry>.fromOpaque(argument).takeRetainedValue().body()
            return nil
        }, entry)
        if status != 0 {
            Unmanaged<Entry>.fromOpaque(entry).release()
            throw SyscallError("pthread_create", code: status)
        }
        return thread
    }
}
