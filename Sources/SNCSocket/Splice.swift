import CLinux
import Glibc

/// Wraps `splice(2)`: moves bytes between a pipe and another descriptor
/// inside the kernel, without copying them through user space.
package enum Splice {
    /// Moves up to `count` bytes; `.done(0)` is end of input. Non-blocking on
    /// the pipe side (SPLICE_F_NONBLOCK); EINVAL means this pair of
    /// descriptors cannot be spliced and the caller should fall back to read/write.
    package static func move(
        from source: CInt, to target: CInt, count: Int, more: Bool = false, call: Call = systemCall
    ) throws(SyscallError) -> IOResult<Int> {
        let flags = snc_splice_f_move | snc_splice_f_nonblock | (more ? snc_splice_f_more : 0)
        return try retryingNonBlocking("splice") { call(source, target, count, flags) }
    }

    /// `splice(2)`'s signature (without the offsets, which snc never uses);
    /// unit tests pass a scripted one as `call`.
    package typealias Call = (CInt, CInt, Int, CUnsignedInt) -> Int

    /// The real splice(2), for callers that keep their calls replaceable
    /// without importing CLinux.
    package static var systemCall: Call { snc_splice }
}

/// A pipe with both ends owned; the kernel buffer that splice moves through.
package struct Pipe: ~Copyable {
    package let readEnd: CInt
    package let writeEnd: CInt

    /// Wraps `pipe2(2)` with O_CLOEXEC|O_NONBLOCK, and asks for a `capacity`-byte
    /// buffer (F_SETPIPE_SZ; the kernel may give less, which is fine).
    package init(capacity: Int = 1 << 20) throws(SyscallError) {
        (readEnd, writeEnd) = try Descriptor.makePipe()
        // Unprivileged users are capped by /proc/sys/fs/pipe-max-size; the default 64 KiB still works.
        _ = snc_set_pipe_size(writeEnd, CInt(clamping: capacity))
    }

    deinit {
        _ = Glibc.close(readEnd)
        _ = Glibc.close(writeEnd)
    }

    /// The pipe's buffer size in bytes (F_GETPIPE_SZ).
    package var capacity: Int { Int(snc_get_pipe_size(writeEnd)) }
}
