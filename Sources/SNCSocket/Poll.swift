import Glibc

/// Wraps `poll(2)`.
package enum Poll {
    /// Waits until a descriptor is ready or the timeout (-1 = forever) passes;
    /// returns how many are ready, 0 on timeout. On EINTR it returns 0 so that
    /// the caller can look at signal flags and recompute its deadline.
    package static func wait(_ descriptors: inout [pollfd], timeoutMilliseconds: Int32) throws(SyscallError) -> Int {
        let count = nfds_t(descriptors.count)
        let result = descriptors.withUnsafeMutableBufferPointer { Glibc.poll($0.baseAddress, count, timeoutMilliseconds) }
        if result >= 0 { return Int(result) }
        let code = errno
        if code == EINTR { return 0 }
        throw SyscallError("poll", code: code)
    }
}
