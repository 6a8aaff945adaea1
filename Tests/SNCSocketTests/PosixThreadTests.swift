import Synchronization
import Testing
import Glibc
import SNCSocket

/// Atomics cannot be captured by escaping closures; a class can.
private final class Mark: Sendable {
    let value = Atomic<Int>(0)
}

@Suite struct PosixThreadTests {
    @Test func aJoinableThreadRunsItsBodyBeforeJoinReturns() throws {
        let ran = Mark()
        let thread = try PosixThread { ran.value.store(42, ordering: .sequentiallyConsistent) }
        thread.join()
        thread.join() // a second join is harmless
        #expect(ran.value.load(ordering: .sequentiallyConsistent) == 42)
    }

    @Test func aDetachedThreadWithASmallStackRuns() throws {
        let pipe = try WakePipe()
        try PosixThread.detach(stackSize: 64 * 1024) { pipe.wake() }
        var entry = [pollfd(fd: pipe.readEnd, events: Int16(POLLIN), revents: 0)]
        #expect(try Poll.wait(&entry, timeoutMilliseconds: 5000) == 1)
    }

    @Test func aStackTheSystemCannotGiveIsAnErrorNotACrash() {
        let ran = Mark()
        // An exabyte of stack: no address space can hold it, so pthread_create fails.
        #expect {
            try PosixThread.detach(stackSize: 1 << 60) { ran.value.store(1, ordering: .sequentiallyConsistent) }
        } throws: { error in
            (error as? SyscallError)?.call == "pthread_create"
        }
        usleep(20_000)
        #expect(ran.value.load(ordering: .sequentiallyConsistent) == 0)
    }
}
