import Testing
import Glibc
import SNCSocket

@Suite struct WakePipeTests {
    private func readable(_ pipe: WakePipe, waitingMilliseconds: Int32) throws -> Bool {
        try Poll.wait(for: pipe.readEnd, .readable, timeoutMilliseconds: waitingMilliseconds).contains(.readable)
    }

    @Test func aWakeFromAnotherThreadEndsAPoll() throws {
        let pipe = try WakePipe()
        #expect(try !readable(pipe, waitingMilliseconds: 0))
        try PosixThread.detach {
            usleep(50_000)
            pipe.wake()
        }
        let started = MonotonicClock.now()
        #expect(try readable(pipe, waitingMilliseconds: 5000))
        // Woken by the write (about 50 ms), not by the 5 s timeout.
        #expect(MonotonicClock.seconds(since: started) < 4)
        pipe.drain()
        #expect(try !readable(pipe, waitingMilliseconds: 0))
    }

    @Test func wakesNeverBlockOnAFullPipe() throws {
        let pipe = try WakePipe()
        // A pipe holds 64 KiB by default; twice that many wakes must all return.
        for _ in 0..<(128 * 1024) { pipe.wake() }
        #expect(try readable(pipe, waitingMilliseconds: 0))
        pipe.drain()
        #expect(try !readable(pipe, waitingMilliseconds: 0))
    }

    @Test func bothEndsAreNonBlockingAndCloseOnExec() throws {
        let pipe = try WakePipe()
        #expect(fcntl(pipe.readEnd, F_GETFL) & O_NONBLOCK != 0)
        #expect(fcntl(pipe.readEnd, F_GETFD) & FD_CLOEXEC != 0)
    }

    @Test func wakeIfArmedWritesOnlyWhileTheLoopIsArmed() throws {
        let pipe = try WakePipe()
        pipe.wakeIfArmed()
        #expect(try !readable(pipe, waitingMilliseconds: 0), "a busy loop costs its wakers nothing")
        pipe.arm()
        pipe.wakeIfArmed()
        #expect(try readable(pipe, waitingMilliseconds: 0))
        pipe.disarm()
        #expect(try !readable(pipe, waitingMilliseconds: 0), "disarm empties the pipe")
        pipe.wakeIfArmed()
        #expect(try !readable(pipe, waitingMilliseconds: 0))
    }
}
