import SystemPackage
import SNCSocket
#if canImport(Glibc)
import Glibc
#endif

/// A bound (and for streams, listening) socket, and the Unix path to
/// remove when it closes.
struct ListeningSocket: ~Copyable {
    var socket: Socket
    let address: SocketAddress
    /// The filesystem path of a Unix-domain listener, removed with it.
    let unixPath: String?

    deinit {
        if let unixPath { _ = unlink(unixPath) }
    }

    /// Room for clients waiting their turn (`-k`) or arriving together (`--broker`).
    static let backlog: CInt = 128

    /// Binds and listens as `options` ask: a Unix path, a given address, or
    /// with neither one dual-stack `::` socket (IPV6_V6ONLY off) that takes
    /// IPv4 clients too, falling back to 0.0.0.0 where IPv6 is missing.
    static func open(_ options: ListenOptions) throws(NetcatError) -> ListeningSocket {
        let transport = options.network.transport
        if let path = options.unixPath { return try openUnix(path: path, transport: transport) }
        guard let port = options.port else {
            throw .bindFailed(address: options.address ?? "*", port: "0", transport: transport, error: SyscallError("bind", code: EINVAL))
        }
        if let host = options.address {
            let addresses: [SocketAddress]
            do {
                addresses = try Resolver.resolve(host: host, port: port.number, family: options.network.family,
                                                 transport: transport, numericOnly: options.network.numeric, passive: true)
            } catch {
                throw .unknownHost(host: host, port: String(port.number), reason: error.message)
            }
            var lastError: NetcatError?
            // IPv4 first, as nc (IPv4 unless -6) binds "localhost" to 127.0.0.1
            // where getaddrinfo would offer ::1 first.
            let ordered = addresses.filter { $0.family == AF_INET } + addresses.filter { $0.family != AF_INET }
            for address in ordered {
                do {
                    return try bind(address, transport: transport, ipv6Only: nil)
                } catch {
                    lastError = error
                }
            }
            throw lastError ?? .unknownHost(host: host, port: String(port.number), reason: "no address")
        }
        switch options.network.family {
        case .ipv4:
            return try bind(.any(family: AF_INET, port: port.number), transport: transport, ipv6Only: nil)
        case .ipv6:
            return try bind(.any(family: AF_INET6, port: port.number), transport: transport, ipv6Only: true)
        case .any:
            do {
                return try bind(.any(family: AF_INET6, port: port.number), transport: transport, ipv6Only: false)
            } catch {
                // No IPv6 on this machine (module absent, or disabled): IPv4 alone is the best there is.
                guard case .bindFailed(_, _, _, let cause) = error,
                      [.addressFamilyNotSupported, .addressNotAvailable, .protocolNotSupported].contains(cause.errno)
                else { throw error }
                return try bind(.any(family: AF_INET, port: port.number), transport: transport, ipv6Only: nil)
            }
        }
    }

    private static func bind(_ address: SocketAddress, transport: Transport, ipv6Only: Bool?) throws(NetcatError) -> ListeningSocket {
        do {
            let socket = try Socket(family: address.family, type: transport.socketType)
            try socket.setReuseAddress()
            if let ipv6Only { try socket.setIPv6Only(ipv6Only) }
            try socket.bind(to: address)
            if transport == .tcp { try socket.listen(backlog: backlog) }
            let bound = (try? socket.localAddress()) ?? address
            return ListeningSocket(socket: socket, address: bound, unixPath: nil)
        } catch {
            throw .bindFailed(address: address.host, port: String(address.port), transport: transport, error: error)
        }
    }

    private static func openUnix(path: String, transport: Transport) throws(NetcatError) -> ListeningSocket {
        guard let address = SocketAddress(unixPath: path) else {
            throw .unixBindFailed(path: path, error: SyscallError("bind", code: ENAMETOOLONG))
        }
        let abstract = path.hasPrefix("@")
        if !abstract { removeStaleSocket(at: path, address: address) }
        var bound = false
        do {
            let socket = try Socket(family: AF_UNIX, type: transport.socketType)
            try socket.bind(to: address)
            bound = true
            if transport == .tcp { try socket.listen(backlog: backlog) }
            return ListeningSocket(socket: socket, address: address, unixPath: abstract ? nil : path)
        } catch {
            // bind(2) made the socket file; nothing else will remove it if listen(2) failed.
            if bound && !abstract { _ = unlink(path) }
            throw .unixBindFailed(path: path, error: error)
        }
    }

    /// A socket file left behind by a listener that was killed makes bind(2)
    /// fail with EADDRINUSE. If nothing answers on it (ECONNREFUSED), it is
    /// stale and removed; a live listener, or any other kind of file, is kept,
    /// so bind(2) then reports EADDRINUSE.
    ///
    /// The probe is non-blocking: a blocking connect(2) to a Unix listener
    /// whose backlog is full waits until that listener accepts, which may be
    /// never. Non-blocking, Linux answers at once with EAGAIN (unix(7)), and
    /// a full listener is as alive as any other.
    private static func removeStaleSocket(at path: String, address: SocketAddress) {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK else { return }
        for type in [Transport.tcp.socketType, Transport.udp.socketType] {
            guard let probe = try? Socket(family: AF_UNIX, type: type | CInt(SOCK_NONBLOCK.rawValue)) else { return }
            do {
                _ = try probe.connect(to: address)
                return // someone is listening (or, in progress, about to answer)
            } catch {
                switch error.errno {
                case .protocolWrongTypeForSocket: continue // the other socket type; try it
                case .connectionRefused: _ = unlink(path) // nobody is listening: stale
                default: break // EAGAIN (a full backlog), EACCES, ...: not ours to remove
                }
                return
            }
        }
    }
}
