import Glibc

extension SocketAddress {
    /// An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, what a dual-stack
    /// listener sees for IPv4 clients) as the plain IPv4 address it stands for;
    /// any other address unchanged.
    package var unmappingIPv4: SocketAddress {
        guard family == AF_INET6 else { return self }
        let bytes = addressBytes
        guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF else { return self }
        return SocketAddress(numericHost: bytes[12...].map(String.init).joined(separator: "."), port: port) ?? self
    }

    /// The raw network-order address: 4 bytes for IPv4, 16 for IPv6, empty otherwise.
    package var addressBytes: [UInt8] {
        withSockAddr { address, _ in
            switch CInt(address.pointee.sa_family) {
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                }
            case AF_INET6:
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
            default:
                []
            }
        }
    }

    /// True for 0.0.0.0 and `::`, the wildcard a listener binds.
    package var isUnspecified: Bool {
        let bytes = addressBytes
        return !bytes.isEmpty && bytes.allSatisfy { $0 == 0 }
    }

    /// The host as nc names it in its messages: the name from a reverse lookup
    /// (`getnameinfo(3)`), or the numeric form when `numeric` (nc's `-n`), when
    /// the lookup finds nothing, or for the wildcard (which has no name).
    package func hostName(numeric: Bool) -> String {
        if family == AF_UNIX || numeric || isUnspecified { return host }
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status = withSockAddr { address, length in
            getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, 0)
        }
        guard status == 0 else { return host }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The unnamed Unix-domain address: binding it makes Linux pick a unique
    /// abstract name ("autobind", unix(7)), so a datagram client can get replies
    /// without creating a file.
    package static var unixAutobind: SocketAddress {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                SocketAddress(copying: $0, length: socklen_t(MemoryLayout<sa_family_t>.size))
            }
        }
    }
}
