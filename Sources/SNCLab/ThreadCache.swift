import SNCSocket
import Synchronization
import Glibc

/// Client threads that stay for the next client instead of exiting.
///
/// Starting a thread for every accepted client costs an mmap of its stack,
/// a clone and, at exit, an munmap: at thousands of short clients a second
/// that is a good part of the server's time. After its client, a thread here
/// waits up to `keepSeconds` for another; the accept loop hands a new client
/// to the most recently idle thread (its stack is still warm) and starts a
/// new thread only when none is idle. A thread-per-connection server all the
/// same: one client per thread at a time, blocking calls.
package final class ThreadCache: Sendable {
    /// How long an idle thread waits for a client before it exits.
    package let keepSeconds: Double
    /// At most this many idle threads; a thread beyond it exits at once.
    package let maximumIdle: Int
    private let idle = Mutex<[IdleThread]>([])

    package init(keepSeconds: Double = 2, maximumIdle: Int = 1024) {
        self.keepSeconds = keepSeconds
        self.maximumIdle = maximumIdle
    }

    /// Gives `job` to an idle thread; false when none is waiting (start one with `runAndStay`).
    package func handOff(_ job: @escaping @Sendable () -> Void) -> Bool {
        guard let thread = idle.withLock({ $0.popLast() }) else { return false }
        thread.give(job)
        return true
    }

    /// Runs `first` on the calling thread, then the jobs handed to it, until
    /// it has waited `keepSeconds` without one.
    package func runAndStay(_ first: @escaping @Sendable () -> Void) {
        let me = IdleThread()
        var job: (@Sendable () -> Void)? = first
        while let current = job {
            current()
            job = nil
            let parked = idle.withLock { list in
                guard list.count < maximumIdle else { return false }
                list.append(me)
                return true
            }
            guard parked else { return }
            if let next = me.wait(seconds: keepSeconds) {
                job = next
                continue
            }
            // Timed out: leave the list, unless the accept loop took this thread just now.
            let left = idle.withLock { list in
                guard let index = list.lastIndex(where: { $0 === me }) else { return false }
                list.remove(at: index)
                return true
            }
            if !left { job = me.wait(seconds: nil) }
        }
    }
}
