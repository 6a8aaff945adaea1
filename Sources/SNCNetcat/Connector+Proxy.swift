import SNCSocket
import Glibc

extension Connector {
    /// `-x`/`--proxy`: connects to the proxy (each of its addresses in turn,
    /// as a direct connection would), then asks it for `host` `port`.
    func connectThroughProxy(_ proxy: ProxySpec, host: String, port: Port) throws(NetcatError) -> Connected {
        let destination = try proxyDestination(proxy, host: host, port: port)
        guard let proxyPort = Port(number: Int(proxy.port)) else {
            throw .proxy(ProxyError(proxy: proxy.name, kind: proxy.kind, reason: .unreachable("port 0")))
        }
        let connected: Connected
        do {
            connected = try connect(host: proxy.host, port: proxyPort)
        } catch {
            throw .proxy(ProxyError(proxy: proxy.name, kind: proxy.kind, reason: .unreachable(error.description)))
        }
        let seconds = options.connectTimeout ?? ProxySpec.defaultHandshakeTimeout
        let stream = ProxyStream(descriptor: connected.socket.descriptor, deadline: Deadline(seconds: seconds), seconds: seconds)
        let handshake = ProxyHandshake(spec: proxy, stream: stream, askPassword: proxyPassword)
        do {
            try handshake.run(to: destination)
        } catch {
            throw .proxy(error)
        }
        reporter.info(NetcatMessages.connected(target: host, port: port.number, transport: .tcp, numeric: options.network.numeric))
        return connected
    }

    /// What the proxy is asked for, by `--proxy-dns`: a literal address as
    /// it is; a name as it is (remote), resolved here (local; also SOCKS4 as
    /// `-X 4`, which cannot carry names), or resolved here if possible (both).
    func proxyDestination(_ proxy: ProxySpec, host: String, port: Port) throws(NetcatError) -> ProxyDestination {
        if let literal = ProxyDestination.literal(host, port: port.number) { return literal }
        switch proxy.dns {
        case .remote:
            return try remoteName(host, port: port)
        case .none:
            throw .unknownHost(host: host, port: String(port.number), reason: "not a numeric address, and --proxy-dns none forbids lookups")
        case .local, .both:
            let family: AddressFamily = proxy.kind == .socks4 ? .ipv4 : options.network.family
            let found: [SocketAddress]
            do {
                found = try Resolver.resolve(host: host, port: port.number, family: family, transport: .tcp,
                                             numericOnly: options.network.numeric)
            } catch {
                if proxy.dns == .both { return try remoteName(host, port: port) }
                throw .unknownHost(host: host, port: String(port.number), reason: error.message)
            }
            guard let first = found.first, let literal = ProxyDestination.literal(first.host, port: port.number) else {
                if proxy.dns == .both { return try remoteName(host, port: port) }
                throw .unknownHost(host: host, port: String(port.number), reason: "no address")
            }
            return literal
        }
    }

    /// The name as the proxy gets it, as it is: a space, CR or LF in it would
    /// end an HTTP request line early, so those never go out.
    private func remoteName(_ host: String, port: Port) throws(NetcatError) -> ProxyDestination {
        guard host.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw .unknownHost(host: host, port: String(port.number), reason: "not a host name")
        }
        return ProxyDestination(host: .name(host), port: port.number)
    }
}
