import SNCLab
import SNCSocket
import Synchronization
import Glibc
import Testing

@Suite struct ThreadCacheTests {
    /// Polls `condition` every 5 ms for up to 5 s.
    private func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<1000 {
            if condition() { return true }
            usleep(5000)
        }
        return false
    }

    @Test func aFinishedThreadRunsTheNextJobAndAnIdleOneExits() throws {
        let cache = ThreadCache(keepSeconds: 0.3)
        let threads = Mutex<[pthread_t]>([])
        let record: @Sendable () -> Void = { threads.withLock { $0.append(pthread_self()) } }
        // Nothing idle yet: the caller must start a thread.
        #expect(!cache.handOff(record))
        try PosixThread.detach { cache.runAndStay(record) }
        // Once the first job is done the thread waits: the next job goes to it.
        #expect(eventually { threads.withLock { $0.count } == 1 && cache.handOff(record) })
        #expect(eventually { threads.withLock { $0.count } == 2 })
        let both = threads.withLock { $0 }
        #expect(pthread_equal(both[0], both[1]) != 0)
        // After keepSeconds with no job the thread leaves: nothing to hand off to.
        usleep(700_000)
        #expect(!cache.handOff(record))
    }
}
