import Glibc

extension Socket {
    /// A socket bound to `address` with SO_REUSEADDR (a restarted server
    /// rebinds a port whose old connections sit in TIME_WAIT), and for
    /// streams listening with `backlog` (nil: a datagram socket, no listen).
    /// `ipv6Only` sets IPV6_V6ONLY when given. `inheritedTimeoutMilliseconds`
    /// sets SO_RCVTIMEO and SO_SNDTIMEO on the listener, which accepted
    /// sockets inherit (two calls fewer per client).
    package static func listening(
        on address: SocketAddress,
        type: CInt = Transport.tcp.socketType,
        ipv6Only: Bool? = nil,
        backlog: CInt?,
        nonBlocking: Bool = false,
        inheritedTimeoutMilliseconds: Int? = nil
    ) throws(SyscallError) -> Socket {
        let socket = try Socket(family: address.family, type: type)
        try socket.setReuseAddress()
        if let ipv6Only { try socket.setIPv6Only(ipv6Only) }
        try socket.bind(to: address)
        if let milliseconds = inheritedTimeoutMilliseconds {
            try socket.setReceiveTimeout(milliseconds: milliseconds)
            try socket.setSendTimeout(milliseconds: milliseconds)
        }
        if let backlog { try socket.listen(backlog: backlog) }
        if nonBlocking { try socket.setNonBlocking(true) }
        return socket
    }

    /// With no address to bind: one dual-stack `::` socket (IPV6_V6ONLY off)
    /// that takes IPv4 clients too, as ::ffff:a.b.c.d; 0.0.0.0 where IPv6 is
    /// missing (module absent or disabled). Any other failure is the `::`
    /// socket's and is thrown as is.
    package static func listeningOnEveryAddress(
        port: UInt16,
        type: CInt = Transport.tcp.socketType,
        backlog: CInt?,
        nonBlocking: Bool = false,
        inheritedTimeoutMilliseconds: Int? = nil
    ) throws(ListenFailure) -> Socket {
        let dualStack = SocketAddress.any(family: AF_INET6, port: port)
        do {
            return try listening(on: dualStack, type: type, ipv6Only: false, backlog: backlog, nonBlocking: nonBlocking, inheritedTimeoutMilliseconds: inheritedTimeoutMilliseconds)
        } catch {
            guard [.addressFamilyNotSupported, .addressNotAvailable, .protocolNotSupported].contains(error.errno) else {
                throw ListenFailure(address: dualStack, error: error)
            }
        }
        let ipv4 = SocketAddress.any(family: AF_INET, port: port)
        do {
            return try listening(on: ipv4, type: type, backlog: backlog, nonBlocking: nonBlocking, inheritedTimeoutMilliseconds: inheritedTimeoutMilliseconds)
        } catch {
            throw ListenFailure(address: ipv4, error: error)
        }
    }
}
