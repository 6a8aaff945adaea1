import SystemPackage
import SNCSocket
import Glibc

/// `snc connect`: nc's client mode. Resolves the host, tries each address in
/// turn (as nc), then relays stdin/stdout over the first connection made.
package struct Connector {
    package let options: ConnectOptions
    package let reporter: Reporter
    /// Asks for the proxy password of a user (`-P`) when the proxy wants one.
    package var proxyPassword: (_ user: String) -> String? = { _ in nil }

    package init(options: ConnectOptions, reporter: Reporter) {
        self.options = options
        self.reporter = reporter
    }

    /// A socket connected to one of the host's addresses.
    struct Connected: ~Copyable {
        var socket: Socket
        let address: SocketAddress
    }

    /// Connects and relays until the session ends; `-z` scans instead.
    package func run(local: LocalStreams) throws(NetcatError) -> RelayOutcome {
        if options.scan {
            try Scanner(options: options, reporter: reporter).run()
            return .completed
        }
        let log = try SessionLog.open(output: options.session.outputLog, hexDump: options.session.hexDumpLog)
        let datagram = options.network.transport == .udp ? DatagramPeerInfo(connected: true) : nil
        switch options.endpoint {
        case .unix(let path):
            let socket = try connectUnix(path: path)
            // The `-s` path is snc's own file, made by bind(2): it goes with the session.
            defer { if let source = options.sourceAddress, !source.hasPrefix("@") { _ = unlink(source) } }
            reporter.info("Connection to \(path) succeeded!")
            if options.session.verifies {
                return VerifiedRelay.run(socket: socket, local: local, options: options.session, peerName: path, reporter: reporter)
            }
            return Relay.run(socket: socket, local: local, options: options.session, log: log,
                             peerName: path, datagram: datagram)
        case .internet(let host, let ranges):
            guard let port = ranges.first?.lower else { return .completed }
            // --ssl: the configuration first, so a bad --ssl-trustfile fails before connecting.
            let tls = try options.tls.map { (tls) throws(NetcatError) in try TLSClient(options: tls, reporter: reporter) }
            let connected = try connectDirectlyOrThroughProxy(host: host, port: port)
            let peerName = options.proxy.map { "\(host) port \(port) (tcp) through proxy \($0.name)" }
                ?? "\(connected.address.host) port \(port) (\(options.network.transport.rawValue))"
            if let tls {
                return tls.relay(socket: connected.socket, host: host, local: local, session: options.session, peerName: peerName)
            }
            if options.session.verifies {
                return VerifiedRelay.run(socket: connected.socket, local: local, options: options.session, peerName: peerName,
                                         reporter: reporter)
            }
            return Relay.run(socket: connected.socket, local: local, options: options.session, log: log,
                             peerName: peerName, datagram: datagram)
        }
    }

    /// Through `-x`/`--proxy` when one is given, else straight to `host`:
    /// every way of connecting (relay, `--verify`, `--exec`) goes this way.
    func connectDirectlyOrThroughProxy(host: String, port: Port) throws(NetcatError) -> Connected {
        if let proxy = options.proxy { return try connectThroughProxy(proxy, host: host, port: port) }
        return try connect(host: host, port: port)
    }

    /// Tries every address `host` resolves to; reports each failure but the
    /// last under `-v` (nc's habit), and throws the last.
    func connect(host: String, port: Port) throws(NetcatError) -> Connected {
        let network = options.network
        let addresses = try resolve(host: host, port: port)
        var lastError: NetcatError?
        for address in addresses {
            if let lastError { reporter.warning(lastError.description, verboseOnly: true) }
            let target = NetcatMessages.target(host: host, address: address.host)
            do {
                let socket = try attempt(address, target: target, port: port)
                reporter.info(NetcatMessages.connected(target: target, port: port.number, transport: network.transport, numeric: network.numeric))
                return Connected(socket: socket, address: address)
            } catch {
                lastError = error
            }
        }
        throw lastError ?? .unknownHost(host: host, port: String(port.number), reason: "no address")
    }

    /// One connection attempt: socket(2), the `-s`/`-p` bind, connect(2) within `-w`.
    func attempt(_ address: SocketAddress, target: String, port: Port) throws(NetcatError) -> Socket {
        let transport = options.network.transport
        let socket: Socket
        do {
            socket = try Socket(family: address.family, type: transport.socketType)
        } catch {
            throw .connectFailed(target: target, port: String(port.number), transport: transport, error: error)
        }
        try bindSource(socket, for: address)
        do {
            try socket.connectNonBlocking(to: address, deadline: options.connectTimeout.map { Deadline(seconds: $0) })
        } catch {
            switch error {
            case .timedOut:
                throw .connectTimedOut(target: target, port: String(port.number), transport: transport)
            case .failed(let failure):
                throw .connectFailed(target: target, port: String(port.number), transport: transport, error: failure)
            }
        }
        return socket
    }

    func resolve(host: String, port: Port) throws(NetcatError) -> [SocketAddress] {
        let network = options.network
        do {
            return try Resolver.resolve(host: host, port: port.number, family: network.family,
                                        transport: network.transport, numericOnly: network.numeric)
        } catch {
            throw .unknownHost(host: host, port: String(port.number), reason: error.message)
        }
    }

    /// `-s` / `-p`: binds the local end before connecting.
    private func bindSource(_ socket: borrowing Socket, for destination: SocketAddress) throws(NetcatError) {
        guard options.sourceAddress != nil || options.sourcePort != nil else { return }
        let port = options.sourcePort?.number ?? 0
        let transport = options.network.transport
        var source = SocketAddress.any(family: destination.family, port: port)
        if let host = options.sourceAddress {
            let family: AddressFamily = destination.family == AF_INET6 ? .ipv6 : .ipv4
            let found: [SocketAddress]
            do {
                found = try Resolver.resolve(host: host, port: port, family: family, transport: transport,
                                             numericOnly: options.network.numeric, passive: true)
            } catch {
                throw .unknownHost(host: host, port: String(port), reason: error.message)
            }
            guard let first = found.first else { throw .unknownHost(host: host, port: String(port), reason: "no address") }
            source = first
        }
        do {
            if port != 0 { try socket.setReuseAddress() }
            try socket.bind(to: source)
        } catch {
            throw .bindFailed(address: source.host, port: String(port), transport: transport, error: error)
        }
    }

    func connectUnix(path: String) throws(NetcatError) -> Socket {
        guard let address = SocketAddress(unixPath: path) else {
            throw .unixConnectFailed(path: path, error: SyscallError("connect", code: ENAMETOOLONG))
        }
        let datagram = options.network.transport == .udp
        let socket: Socket
        do {
            socket = try Socket(family: AF_UNIX, type: options.network.transport.socketType)
        } catch {
            throw .unixConnectFailed(path: path, error: error)
        }
        // A datagram client needs an address of its own for replies: `-s PATH`
        // (as nc's -s), else autobind gives an abstract one. A stream client
        // with `-s` is bound too, so the server sees that name as its peer.
        if let source = options.sourceAddress {
            guard let sourceAddress = SocketAddress(unixPath: source) else {
                throw .unixBindFailed(path: source, error: SyscallError("bind", code: ENAMETOOLONG))
            }
            do {
                try socket.bind(to: sourceAddress)
            } catch {
                throw .unixBindFailed(path: source, error: error)
            }
        } else if datagram {
            do {
                try socket.bind(to: .unixAutobind)
            } catch {
                throw .unixConnectFailed(path: path, error: error)
            }
        }
        do throws(SyscallError) {
            do {
                try socket.connectNonBlocking(to: address, deadline: options.connectTimeout.map { Deadline(seconds: $0) })
            } catch {
                switch error {
                case .timedOut: throw SyscallError("connect", code: ETIMEDOUT)
                case .failed(let failure): throw failure
                }
            }
            return socket
        } catch {
            // Bound but not connected: the `-s` file snc just made goes again.
            if let source = options.sourceAddress, !source.hasPrefix("@") { _ = unlink(source) }
            throw .unixConnectFailed(path: path, error: error)
        }
    }
}
