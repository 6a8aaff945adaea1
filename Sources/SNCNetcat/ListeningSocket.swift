import SNCSocket
import Glibc

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
                let socket = try Socket.listeningOnEveryAddress(port: port.number, type: transport.socketType, backlog: listenBacklog(for: transport))
                return listening(socket, fallback: .any(family: AF_INET6, port: port.number))
            } catch {
                throw .bindFailed(address: error.address.host, port: String(error.address.port), transport: transport, error: error.error)
            }
        }
    }

    /// Streams listen; datagram sockets only bind.
    private static func listenBacklog(for transport: Transport) -> CInt? {
        transport == .tcp ? backlog : nil
    }

    private static func listening(_ socket: consuming Socket, fallback address: SocketAddress) -> ListeningSocket {
        let bound = (try? socket.localAddress()) ?? address
        return ListeningSocket(socket: socket, address: bound, unixPath: nil)
    }

    private static func bind(_ address: SocketAddress, transport: Transport, ipv6Only: Bool?) throws(NetcatError) -> ListeningSocket {
        do {
            let socket = try Socket.listening(on: address, type: transport.socketType, ipv6Only: ipv6Only, backlog: listenBacklog(for: transport))
            return listening(socket, fallback: address)
        } catch {
            throw .bindFailed(address: address.host, port: String(address.port), transport: transport, error: error)
        }
    }

    private static func openUnix(path: String, transport: Transport) throws(NetcatError) -> ListeningSocket {
        guard let address = SocketAddress(unixPath: path) else {
            throw .unixBindFailed(path: path, error: SyscallError("bind", code: ENAMETOOLONG))
        }
        do {
            let socket = try Socket.listening(unixAddress: address, path: path, type: transport.socketType, backlog: listenBacklog(for: transport))
            return ListeningSocket(socket: socket, address: address, unixPath: path.hasPrefix("@") ? nil : path)
        } catch {
            throw .unixBindFailed(path: path, error: error)
        }
    }
}
