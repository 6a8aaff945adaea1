#if canImport(Glibc)
import Glibc
#endif

/// A POSIX thread running one closure, joined explicitly.
final class WorkerThread {
    private var thread = pthread_t()
    private var started = false

    /// The closure and everything it captures are handed to exactly one new
    /// thread and never touched by the starting thread again (the starter
    /// keeps no reference to the box), so no state is shared through it.
    private final class Box: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    init(_ body: @escaping () -> Void) throws(ForwardError) {
        let box = Unmanaged.passRetained(Box(body))
        let status = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().body()
            return nil
        }, box.toOpaque())
        if status != 0 {
            box.release()
            throw .system(.init("pthread_create", code: status))
        }
        started = true
    }

    func join() {
        if started { pthread_join(thread, nil) }
        started = false
    }
}
