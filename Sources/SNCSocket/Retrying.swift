import Glibc

/// Runs a system call until it stops failing with EINTR.
///
/// `errno` is read straight after the call returns -1, before anything else
/// can overwrite it; `@inline(never)` keeps ARC traffic from being scheduled
/// between the call and that read.
@inline(never)
package func retrying<Result: FixedWidthInteger>(
    _ call: String,
    _ body: () -> Result
) throws(SyscallError) -> Result {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = errno
        if code == EINTR { continue }
        throw SyscallError(call, code: code)
    }
}

/// Like `retrying`, but for non-blocking descriptors: EAGAIN/EWOULDBLOCK and
/// EINPROGRESS come back as `.wouldBlock`, not as errors.
@inline(never)
package func retryingNonBlocking<Result: FixedWidthInteger>(
    _ call: String,
    _ body: () -> Result
) throws(SyscallError) -> IOResult<Result> {
    while true {
        let result = body()
        if result != -1 { return .done(result) }
        let code = errno
        if code == EINTR { continue }
        if code == EAGAIN || code == EWOULDBLOCK || code == EINPROGRESS { return .wouldBlock }
        throw SyscallError(call, code: code)
    }
}
