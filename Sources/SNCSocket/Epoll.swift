import CLinux
import Glibc

/// An epoll instance with exactly one owner, for loops that watch thousands
/// of sockets at once (poll(2) would copy them all on every call).
///
/// Registrations carry a 64-bit token that comes back with each event; a
/// descriptor leaves the set by itself when it is closed.
package struct Epoll: ~Copyable {
    package let descriptor: CInt

    /// What a descriptor is ready for, as `epoll_wait(2)` reports it.
    package struct Event: Sendable {
        package var flags: UInt32
        package var token: UInt64

        package init(flags: UInt32 = 0, token: UInt64 = 0) {
            self.flags = flags
            self.token = token
        }

        package var isReadable: Bool { flags & snc_epollin != 0 }
        package var isWritable: Bool { flags & snc_epollout != 0 }
        /// EPOLLRDHUP: the peer has shut down its writing side (its FIN arrived).
        package var hasPeerClosed: Bool { flags & snc_epollrdhup != 0 }
        /// EPOLLERR or EPOLLHUP: the socket has an error pending or is closed both ways.
        package var isBroken: Bool { flags & (snc_epollerr | snc_epollhup) != 0 }
    }

    /// Readiness to wait for.
    package struct Interest: OptionSet, Sendable {
        package let rawValue: UInt32
        package init(rawValue: UInt32) { self.rawValue = rawValue }

        package static let readable = Interest(rawValue: snc_epollin)
        package static let writable = Interest(rawValue: snc_epollout)
        package static let peerClosed = Interest(rawValue: snc_epollrdhup)
        /// EPOLLET: report a change once; the owner must read or write until EAGAIN.
        package static let edgeTriggered = Interest(rawValue: snc_epollet)
    }

    /// Wraps `epoll_create1(2)` with EPOLL_CLOEXEC.
    package init() throws(SyscallError) {
        descriptor = try retrying("epoll_create1") { snc_epoll_create() }
    }

    deinit {
        _ = Glibc.close(descriptor)
    }

    /// Wraps `epoll_ctl(2)` with EPOLL_CTL_ADD.
    package func add(_ watched: CInt, interest: Interest, token: UInt64) throws(SyscallError) {
        _ = try retrying("epoll_ctl") { snc_epoll_ctl(descriptor, snc_epoll_ctl_add, watched, interest.rawValue, token) }
    }

    /// Wraps `epoll_ctl(2)` with EPOLL_CTL_MOD.
    package func modify(_ watched: CInt, interest: Interest, token: UInt64) throws(SyscallError) {
        _ = try retrying("epoll_ctl") { snc_epoll_ctl(descriptor, snc_epoll_ctl_mod, watched, interest.rawValue, token) }
    }

    /// Wraps `epoll_wait(2)`: fills `events` (at most 256 per call) and
    /// returns how many are ready; 0 on timeout or when a signal interrupted it.
    package func wait(into events: inout [Event], timeoutMilliseconds: Int32) throws(SyscallError) -> Int {
        let capacity = min(events.count, 256)
        var raw = [snc_epoll_event](repeating: snc_epoll_event(), count: capacity)
        let count = raw.withUnsafeMutableBufferPointer { snc_epoll_wait(descriptor, $0.baseAddress, CInt(capacity), timeoutMilliseconds) }
        if count < 0 {
            let code = errno
            if code == EINTR { return 0 }
            throw SyscallError("epoll_wait", code: code)
        }
        for index in 0..<Int(count) {
            events[index] = Event(flags: raw[index].events, token: raw[index].data)
        }
        return Int(count)
    }
}
