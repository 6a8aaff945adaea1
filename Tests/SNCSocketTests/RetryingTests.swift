import Testing
import Glibc
import SNCSocket

/// `retrying` and `retryingNonBlocking` with the system call replaced by a script.
@Suite struct RetryingTests {
    @Test func interruptedCallsAreRepeated() throws {
        let script = ScriptedCall([.fail(EINTR), .fail(EINTR), .succeed(7)])
        let result = try retrying("read") { script.next() }
        #expect(result == 7)
        #expect(script.callCount == 3)
    }

    @Test func otherFailuresAreThrownWithTheCall() {
        let script = ScriptedCall([.fail(EINTR), .fail(ECONNRESET)])
        #expect(throws: SyscallError("recv", code: ECONNRESET)) { _ = try retrying("recv") { script.next() } }
        #expect(script.callCount == 2)
    }

    @Test(arguments: [EAGAIN, EWOULDBLOCK, EINPROGRESS])
    func wouldBlockIsAValue(code: CInt) throws {
        let script = ScriptedCall([.fail(EINTR), .fail(code)])
        let result = try retryingNonBlocking("send") { script.next() }
        #expect(result == .wouldBlock)
        #expect(script.callCount == 2, "EINTR retried, EAGAIN returned, not retried")
    }

    @Test func nonBlockingSuccessAndFailure() throws {
        let done = ScriptedCall([.succeed(0)])
        #expect(try retryingNonBlocking("read") { done.next() } == .done(0))
        let failed = ScriptedCall([.fail(EPIPE)])
        #expect(throws: SyscallError("send", code: EPIPE)) { _ = try retryingNonBlocking("send") { failed.next() } }
    }
}
