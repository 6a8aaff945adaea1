import Synchronization
import Glibc

/// One idle thread's mailbox: a job slot and a semaphore to wake it.
///
/// @unchecked Sendable: the semaphore is only used through sem_post and
/// sem_(timed)wait, which are thread-safe, and the job slot is behind a Mutex.
final class IdleThread: @unchecked Sendable {
    private let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
    private let slot = Mutex<(@Sendable () -> Void)?>(nil)

    init() {
        sem_init(semaphore, 0, 0)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    func give(_ job: @escaping @Sendable () -> Void) {
        slot.withLock { $0 = job }
        sem_post(semaphore)
    }

    /// The job given, or nil when `seconds` passed first (nil seconds: wait for it).
    func wait(seconds: Double?) -> (@Sendable () -> Void)? {
        if let seconds {
            var deadline = timespec()
            clock_gettime(CLOCK_REALTIME, &deadline)
            let nanoseconds = Int(deadline.tv_nsec) + Int((seconds - seconds.rounded(.down)) * 1e9)
            deadline.tv_sec += Int(seconds) + nanoseconds / 1_000_000_000
            deadline.tv_nsec = nanoseconds % 1_000_000_000
            while sem_timedwait(semaphore, &deadline) != 0 {
                if errno != EINTR { return nil }  // ETIMEDOUT
            }
        } else {
            while sem_wait(semaphore) != 0 && errno == EINTR {}
        }
        return slot.withLock { job in
            defer { job = nil }
            return job
        }
    }
}
