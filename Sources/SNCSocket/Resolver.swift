import Glibc

/// Name and service lookups through getaddrinfo(3) and getservbyname(3).
package enum Resolver {
    /// Every address `host` resolves to, in the order getaddrinfo prefers.
    ///
    /// - Parameters:
    ///   - host: a name or numeric literal; nil means the wildcard address (with `passive`).
    ///   - numericOnly: `-n`: refuse names, accept literals only (AI_NUMERICHOST).
    ///   - passive: for binding: nil host gives the wildcard address.
    package static func resolve(
        host: String?,
        port: UInt16,
        family: AddressFamily = .any,
        transport: Transport = .tcp,
        numericOnly: Bool = false,
        passive: Bool = false
    ) throws(ResolveError) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = family.cValue
        hints.ai_socktype = transport.socketType
        hints.ai_flags = AI_NUMERICSERV | (numericOnly ? AI_NUMERICHOST : 0) | (passive ? AI_PASSIVE : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        let systemErrno = errno
        guard status == 0 else {
            throw ResolveError(host: host ?? "*", code: status, systemErrno: systemErrno)
        }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var entry = list
        while let current = entry {
            if let address = current.pointee.ai_addr {
                let resolved = SocketAddress(copying: address, length: current.pointee.ai_addrlen)
                if !addresses.contains(resolved) { addresses.append(resolved) }
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    /// The port a service name stands for in /etc/services ("http" → 80).
    package static func port(ofService name: String, transport: Transport = .tcp) -> UInt16? {
        guard let entry = getservbyname(name, transport.rawValue) else { return nil }
        return UInt16(bigEndian: UInt16(truncatingIfNeeded: entry.pointee.s_port))
    }

    /// The service name of a port, for nc's "port [tcp/http]" wording; nil if none.
    package static func serviceName(ofPort port: UInt16, transport: Transport = .tcp) -> String? {
        guard let entry = getservbyport(CInt(port.bigEndian), transport.rawValue),
              let name = entry.pointee.s_name else { return nil }
        return String(cString: name)
    }
}
