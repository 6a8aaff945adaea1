import CLinux
import Glibc

extension Descriptor {
    /// Wraps `pipe2(2)` with O_CLOEXEC|O_NONBLOCK, set atomically with the
    /// pipe's creation (no window in which a child could inherit the ends).
    /// The caller owns both descriptors.
    package static func makePipe() throws(SyscallError) -> (readEnd: CInt, writeEnd: CInt) {
        var ends: [CInt] = [-1, -1]
        _ = try retrying("pipe2") { snc_pipe2(&ends, O_CLOEXEC | O_NONBLOCK) }
        return (ends[0], ends[1])
    }

    /// Asks for a bigger buffer on a pipe snc shares with another process
    /// (`fcntl(F_SETPIPE_SZ)`): fewer wake-ups per byte when splicing. Returns
    /// the capacity the pipe ends up with; a refusal (the per-user pipe limit)
    /// leaves the pipe as it was, which still works.
    @discardableResult
    package static func growPipe(_ descriptor: CInt, to capacity: Int) -> Int {
        let current = Int(snc_get_pipe_size(descriptor))
        if current >= capacity { return current }
        let granted = snc_set_pipe_size(descriptor, CInt(clamping: capacity))
        return granted > 0 ? Int(granted) : current
    }

    /// Whether the descriptor was opened with O_APPEND (`fcntl(F_GETFL)`).
    /// splice(2) refuses to write to such files (EINVAL), so snc copies instead.
    package static func isAppendOnly(_ descriptor: CInt) throws(SyscallError) -> Bool {
        let flags = try retrying("fcntl") { fcntl(descriptor, F_GETFL) }
        return flags & O_APPEND != 0
    }
}
