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

    var descriptor: CInt { socket.descriptor }

    private init(socket: consuming Socket, spec: ForwardSpec, service: Service, address: SocketAddress) {
        self.socket = socket
        self.spec = spec
        self.service = service
        self.address = address
    }

    /// Binds every address a spec names: 127.0.0.1 by default (ssh binds
    /// loopback unless GatewayPorts), all interfaces for `*`, empty or
    /// 0.0.0.0, otherwise what the bind address resolves to. As in ssh, a
    /// name with several addresses ("localhost": 127.0.0.1 and ::1) needs
    /// one of them; the spec fails (before any authentication) if none binds.
    static func bind(_ spec: ForwardSpec, service: Service = .forward, log: ForwardLog) throws(ForwardError) -> [TunnelListener] {
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
}
