import Glibc

/// An IPv4, IPv6 or Unix-domain socket address, stored as the kernel sees it.
package struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    private var storage: sockaddr_storage
    package private(set) var length: socklen_t

    /// Copies an address the kernel or getaddrinfo filled in.
    package init(copying address: UnsafePointer<sockaddr>, length: socklen_t) {
        var storage = sockaddr_storage()
        let count = min(Int(length), MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutableBytes(of: &storage) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(start: address, count: count))
        }
        self.storage = storage
        self.length = socklen_t(count)
    }

    /// Builds an address from a numeric IPv4 or IPv6 literal; nil if `host` is neither.
    package init?(numericHost host: String, port: UInt16) {
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            self = withUnsafePointer(to: &v4) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    SocketAddress(copying: $0, length: socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            return
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            self = withUnsafePointer(to: &v6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    SocketAddress(copying: $0, length: socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
            return
        }
        return nil
    }

    /// A Unix-domain address. A leading `@` names Linux's abstract namespace,
    /// as netcat-openbsd's `-U @name` does. Nil if the path does not fit `sun_path`.
    package init?(unixPath path: String) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let abstract = path.hasPrefix("@")
        var bytes = Array(path.utf8)
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        // A filesystem path needs room for its terminating NUL; an abstract name does not.
        guard !bytes.isEmpty, bytes.count <= (abstract ? capacity : capacity - 1) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { target in
            target.copyBytes(from: bytes)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
        let length = pathOffset + bytes.count + (abstract ? 0 : 1)
        self = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                SocketAddress(copying: $0, length: socklen_t(length))
            }
        }
    }

    /// The wildcard address of a family (0.0.0.0 or ::) on `port`.
    package static func any(family: CInt, port: UInt16) -> SocketAddress {
        if family == AF_INET6 {
            var v6 = sockaddr_in6()
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            v6.sin6_addr = in6addr_any
            return withUnsafePointer(to: &v6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    SocketAddress(copying: $0, length: socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        var v4 = sockaddr_in()
        v4.sin_family = sa_family_t(AF_INET)
        v4.sin_port = port.bigEndian
        return withUnsafePointer(to: &v4) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                SocketAddress(copying: $0, length: socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    package var family: CInt { CInt(storage.ss_family) }

    /// The port in host byte order; 0 for Unix-domain addresses.
    package var port: UInt16 {
        get {
            withSockAddr { address, _ in
                switch CInt(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
                default:
                    0
                }
            }
        }
        set {
            let family = self.family
            withUnsafeMutableBytes(of: &storage) { raw in
                guard let address = raw.baseAddress else { return }
                switch family {
                case AF_INET:
                    address.assumingMemoryBound(to: sockaddr_in.self).pointee.sin_port = newValue.bigEndian
                case AF_INET6:
                    address.assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_port = newValue.bigEndian
                default:
                    break
                }
            }
        }
    }

    /// The numeric host ("127.0.0.1", "::1"), or the path of a Unix-domain address.
    package var host: String {
        if family == AF_UNIX { return unixPath }
        var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status = withSockAddr { address, length in
            getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
        }
        guard status == 0 else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private var unixPath: String {
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
        let count = Int(length) - pathOffset
        guard count > 0 else { return "" }
        return withUnsafeBytes(of: storage) { raw in
            var bytes = Array(raw[pathOffset..<(pathOffset + count)])
            if bytes.first == 0 {
                bytes[0] = UInt8(ascii: "@")
            } else if let end = bytes.firstIndex(of: 0) {
                bytes.removeSubrange(end...)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// True for 127.0.0.0/8, ::1 and IPv4-mapped loopback.
    package var isLoopback: Bool {
        switch family {
        case AF_INET:
            return host.hasPrefix("127.")
        case AF_INET6:
            return host == "::1" || host.hasPrefix("::ffff:127.")
        case AF_UNIX:
            return true
        default:
            return false
        }
    }

    /// Calls `body` with the address as the `sockaddr` pointer and length the socket calls take.
    package func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(of: storage) { raw in
            try body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    /// "127.0.0.1:80", "[::1]:80", or the Unix path.
    package var description: String {
        switch family {
        case AF_INET6: "[\(host)]:\(port)"
        case AF_UNIX: host
        default: "\(host):\(port)"
        }
    }

    package static func == (lhs: SocketAddress, rhs: SocketAddress) -> Bool {
        lhs.length == rhs.length && lhs.bytes == rhs.bytes
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(bytes)
    }

    private var bytes: [UInt8] {
        withUnsafeBytes(of: storage) { Array($0.prefix(Int(length))) }
    }
}
