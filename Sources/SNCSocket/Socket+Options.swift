import Glibc

extension Socket {
    /// Wraps `setsockopt(2)` for the many options that take an int.
    package func setOption(level: CInt, name: CInt, value: CInt) throws(SyscallError) {
        var value = value
        _ = try retrying("setsockopt") {
            setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<CInt>.size))
        }
    }

    /// Wraps `getsockopt(2)` for int options.
    package func option(level: CInt, name: CInt) throws(SyscallError) -> CInt {
        var value: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        _ = try retrying("getsockopt") { getsockopt(descriptor, level, name, &value, &length) }
        return value
    }

    /// SO_REUSEADDR, so a listener can rebind a port whose old connections sit in TIME_WAIT.
    package func setReuseAddress(_ on: Bool = true) throws(SyscallError) {
        try setOption(level: SOL_SOCKET, name: SO_REUSEADDR, value: on ? 1 : 0)
    }

    /// IPV6_V6ONLY off makes one `::` listener accept IPv4 clients too (as ::ffff:a.b.c.d).
    package func setIPv6Only(_ on: Bool) throws(SyscallError) {
        try setOption(level: CInt(IPPROTO_IPV6), name: IPV6_V6ONLY, value: on ? 1 : 0)
    }

    /// TCP_NODELAY: send small writes at once (interactive chat, request/response).
    package func setNoDelay(_ on: Bool = true) throws(SyscallError) {
        try setOption(level: CInt(IPPROTO_TCP), name: TCP_NODELAY, value: on ? 1 : 0)
    }

    /// Whether O_NONBLOCK is set.
    package var isNonBlocking: Bool {
        get throws(SyscallError) { try Descriptor.isNonBlocking(descriptor) }
    }

    /// Sets or clears O_NONBLOCK.
    package func setNonBlocking(_ on: Bool) throws(SyscallError) {
        try Descriptor.setNonBlocking(descriptor, on)
    }
}
