import Glibc

/// Wraps `poll(2)`.
package enum Poll {
    /// Waits until a descriptor is ready or the timeout (-1 = forever) passes;
    /// returns how many are ready, 0 on timeout. On EINTR it returns 0 so that
    /// the caller can look at signal flags and recompute its deadline.
    /// Callers build `descriptors` with `PollSet`, or use `wait(for:_:timeoutMilliseconds:)`.
    package static func wait(_ descriptors: inout [pollfd], timeoutMilliseconds: Int32) throws(SyscallError) -> Int {
        let count = nfds_t(descriptors.count)
        let result = descriptors.withUnsafeMutableBufferPointer { Glibc.poll($0.baseAddress, count, timeoutMilliseconds) }
        if result >= 0 { return Int(result) }
        let code = errno
        if code == EINTR { return 0 }
        throw SyscallError("poll", code: code)
    }

    /// Waits for one descriptor; returns what poll(2) reported, empty on
    /// timeout or EINTR.
    @discardableResult
    package static func wait(for descriptor: CInt, _ events: PollEvents, timeoutMilliseconds: Int32) throws(SyscallError) -> PollEvents {
        var set = PollSet()
        set.add(descriptor, waitingFor: events)
        guard try set.wait(timeoutMilliseconds: timeoutMilliseconds) > 0 else { return [] }
        return set.reported(0)
    }
}
