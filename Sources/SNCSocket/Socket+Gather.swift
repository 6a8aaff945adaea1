import Glibc

extension Socket {
    /// Wraps `sendmsg(2)` with two buffers and MSG_NOSIGNAL: sends the end of
    /// `first` and then `second` in one call (a gathered write), so a message
    /// made of a shared body and a per-client tail costs one syscall, not two.
    package func write(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) throws(SyscallError) -> IOResult<Int> {
        var pieces = [
            iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count),
        ]
        return try retryingNonBlocking("sendmsg") {
            pieces.withUnsafeMutableBufferPointer { vector in
                var header = msghdr()
                header.msg_iov = vector.baseAddress
                header.msg_iovlen = vector.count
                return sendmsg(descriptor, &header, CInt(MSG_NOSIGNAL))
            }
        }
    }
}
