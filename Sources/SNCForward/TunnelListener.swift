import SNCSocket
import Glibc

/// A bound, listening local socket for one `-L` or `-D` spec.
final class TunnelListener {
    /// What an accepted connection gets.
    enum Service: Sendable {
        /// `-L`: a channel to the spec's host and port.
        case forward
        /// `-D`: a SOCKS handshake names the target first.
        case socks
    }

    let socket: Socket
    let spec: ForwardSpec
    let service: Service
    let address: SocketAddress
    /// The socket file of a Unix-domain listener, removed when snc is done with it.
    private let socketFile: String?

    var descriptor: CInt { socket.descriptor }

    private init(socket: consuming Socket, spec: ForwardSpec, service: Service, address: SocketAddress, socketFile: String? = nil) {
        self.socket = socket
        self.spec = spec
        self.service = service
        self.address = address
        self.socketFile = socketFile
    }

    deinit {
        // As ssh does at exit: the next run would otherwise find the path taken.
        if let socketFile { _ = unlink(socketFile) }
    }

    /// Binds every address a spec names: 127.0.0.1 by default (ssh binds
    /// loopback unless GatewayPorts), all interfaces for `*`, empty or
    /// 0.0.0.0, otherwise what the bind address resolves to. As in ssh, a
    /// name with several addresses ("localhost": 127.0.0.1 and ::1) needs
    /// one of them; the spec fails (before any authentication) if none binds.
    static func bind(_ spec: ForwardSpec, service: Service = .forward, log: ForwardLog) throws(ForwardError) -> [TunnelListener] {
        if let path = spec.listenPath { return [try bind(spec, path: path, service: service, log: log)] }
        let addresses: [SocketAddress]
        if spec.bindsAllInterfaces {
            addresses = spec.bindAddress == "::" ? [SocketAddress.any(family: AF_INET6, port: spec.port)]
                : spec.bindAddress == "0.0.0.0" ? [SocketAddress.any(family: AF_INET, port: spec.port)]
                : [SocketAddress.any(family: AF_INET, port: spec.port), SocketAddress.any(family: AF_INET6, port: spec.port)]
        } else if let bindAddress = spec.bindAddress {
            do {
                addresses = try Resolver.resolve(host: bindAddress, port: spec.port, passive: true)
            } catch {
                throw .resolve(error)
            }
        } else {
            addresses = [SocketAddress(numericHost: "127.0.0.1", port: spec.port)].compactMap { $0 }
        }
        var listeners: [TunnelListener] = []
        var firstFailure: ForwardError?
        for address in addresses {
            do {
                let socket = try Socket.listening(on: address, ipv6Only: address.family == AF_INET6 ? true : nil,
                                                  backlog: 128, nonBlocking: true)
                log.debug("Local \(service == .socks ? "dynamic " : "")forwarding listening on \(address.host) port \(spec.port).")
                listeners.append(TunnelListener(socket: socket, spec: spec, service: service, address: address))
            } catch {
                let failure = ForwardError.bind(address: "[\(address.host)]:\(spec.port)", error: error)
                if addresses.count > 1 { log.warn(failure.description) }
                if firstFailure == nil { firstFailure = failure }
            }
        }
        if listeners.isEmpty, let firstFailure { throw firstFailure }
        return listeners
    }

    /// `-L /local.sock:...`: a Unix-domain listener. A socket file left by a
    /// killed snc is found stale (nobody answers) and replaced; a live one
    /// is not (ssh's StreamLocalBindUnlink, made safe).
    private static func bind(_ spec: ForwardSpec, path: String, service: Service, log: ForwardLog) throws(ForwardError) -> TunnelListener {
        guard let address = SocketAddress(unixPath: path) else { throw .usage("socket path too long: \(path)") }
        do {
            let socket = try Socket.listening(unixAddress: address, path: path, backlog: 128)
            try socket.setNonBlocking(true)
            log.debug("Local forwarding listening on path \(path).")
            return TunnelListener(socket: socket, spec: spec, service: service, address: address,
                                  socketFile: path.hasPrefix("@") ? nil : path)
        } catch {
            throw .bind(address: path, error: error)
        }
    }
}
