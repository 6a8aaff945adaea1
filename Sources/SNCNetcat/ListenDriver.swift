import SystemPackage
import SNCSocket
import Glibc

/// `snc listen`: nc's `-l`. Waits for a client, relays stdin/stdout with it,
/// and with `-k` waits for the next; `--broker`/`--chat` serve many at once.
package struct ListenDriver {
    package let options: ListenOptions
    package let reporter: Reporter

    package init(options: ListenOptions, reporter: Reporter) {
        self.options = options
        self.reporter = reporter
    }

    /// Listens until the session (or with `-k`, forever) ends.
    package func run(local: LocalStreams) throws(NetcatError) -> RelayOutcome {
        var options = self.options
        // nc -l ends a session when its client leaves; with a terminal on stdin snc does too.
        // With -k so does every session, whatever stdin is (nc -k and ncat -k do
        // the same): a client that has finished sending makes way for the next,
        // which gets stdin from where this one left it; otherwise an idle stdin
        // that never ends would keep the first client forever.
        if (local.inputIsTerminal || options.keepListening) && options.session.readsInput {
            options.session.endsWhenPeerCloses = true
        }
        // stdout carries every client's data under -k: it must outlive each one.
        if options.keepListening { options.session.endsOutputWhenPeerFinishes = false }
        return try ListenDriver(options: options, reporter: reporter).listen(local: local)
    }

    private func listen(local: LocalStreams) throws(NetcatError) -> RelayOutcome {
        let log = try SessionLog.open(output: options.session.outputLog, hexDump: options.session.hexDumpLog)
        let tls = try options.tls.map { (tls) throws(NetcatError) in try TLSServer(options: tls, reporter: reporter) }
        let listener = try ListeningSocket.open(options)
        announceListening(listener.address)
        if options.broker || options.chat {
            return try Broker(options: options, reporter: reporter, log: log, tls: tls).run(listener: listener.socket)
        }
        if options.network.transport == .udp {
            return try serveDatagrams(listener, local: local, log: log)
        }
        return try serveStreams(listener, local: local, log: log, tls: tls)
    }

    func announceListening(_ address: SocketAddress) {
        let numeric = options.network.numeric
        if address.family == AF_UNIX {
            // nc prints both for a Unix stream listener.
            reporter.info("Bound on \(address.host)")
            if options.network.transport == .tcp { reporter.info("Listening on \(address.host)") }
            return
        }
        reporter.info(NetcatMessages.listening(host: address.unmappingIPv4.hostName(numeric: numeric),
                                               port: address.port, transport: options.network.transport))
    }

    /// How `-v` and messages name a peer: "127.0.0.1 40212", or a Unix path.
    private func describe(_ peer: SocketAddress, fallback: SocketAddress) -> (name: String, port: UInt16) {
        if peer.family == AF_UNIX {
            // Unix clients are usually unnamed; nc names the listening path instead.
            let path = peer.host.isEmpty ? fallback.host : peer.host
            return (path, 0)
        }
        let plain = peer.unmappingIPv4
        return (plain.hostName(numeric: options.network.numeric), plain.port)
    }

    private func receivedLine(_ peer: SocketAddress, listening: SocketAddress) -> String {
        let (name, port) = describe(peer, fallback: listening)
        return peer.family == AF_UNIX ? "Connection received on \(name)" : NetcatMessages.received(host: name, port: port)
    }

    private func peerName(_ peer: SocketAddress) -> String {
        peer.family == AF_UNIX ? (options.unixPath ?? "unix socket")
            : "\(peer.unmappingIPv4.host) port \(peer.port) (\(options.network.transport.rawValue))"
    }

    /// TCP and Unix streams: one client at a time.
    private func serveStreams(_ listener: consuming ListeningSocket, local: LocalStreams, log: SessionLog?, tls: TLSServer? = nil) throws(NetcatError) -> RelayOutcome {
        if !options.keepListening {
            let client = try acceptPermitted(listener)
            // Only one client: stop listening now, so later ones are refused, as nc does.
            _ = consume listener
            return serve(client, local: local, log: log, tls: tls)
        }
        while true {
            let client = try acceptPermitted(listener)
            let outcome = serve(client, local: local, log: log, tls: tls)
            if case .failed(let error) = outcome {
                if case .logFile = error { return outcome }
                reporter.warning(error.description)
            }
        }
    }

    private func serve(_ client: consuming Socket.Accepted, local: LocalStreams, log: SessionLog?, tls: TLSServer? = nil) -> RelayOutcome {
        do {
            try client.socket.setNonBlocking(true)
        } catch {
            return .failed(.system(error))
        }
        if let tls { return tls.relay(socket: client.socket, local: local, session: options.session, peerName: peerName(client.peer)) }
        if options.session.verifies {
            return VerifiedRelay.run(socket: client.socket, local: local, options: options.session,
                                     peerName: peerName(client.peer), reporter: reporter)
        }
        return Relay.run(socket: client.socket, local: local, options: options.session, log: log,
                         peerName: peerName(client.peer))
    }

    /// Waits for a client that `--allow`/`--deny` let in.
    func acceptPermitted(_ listener: borrowing ListeningSocket) throws(NetcatError) -> Socket.Accepted {
        while true {
            let outcome: AcceptOutcome
            do {
                outcome = try listener.socket.accept()
            } catch {
                throw .system(error)
            }
            switch consume outcome {
            case .accepted(let accepted):
                if accepted.peer.family != AF_UNIX, !options.access.permits(accepted.peer) {
                    let (name, port) = describe(accepted.peer, fallback: listener.address)
                    reporter.info(NetcatMessages.refused(host: name, port: port, reason: options.access.refusal(for: accepted.peer)))
                    continue
                }
                reporter.info(receivedLine(accepted.peer, listening: listener.address))
                return accepted
            case .none:
                continue
            case .clientGone:
                continue // a client that gave up before accept(2) got to it is not our failure
            case .outOfDescriptors(let error):
                throw .system(error)
            }
        }
    }

    /// UDP: as nc, the first datagram's sender becomes the peer (the socket is
    /// connected to it). With `-k` the socket stays unconnected and replies go
    /// to whoever sent last.
    private func serveDatagrams(_ listener: consuming ListeningSocket, local: LocalStreams, log: SessionLog?) throws(NetcatError) -> RelayOutcome {
        let access = options.access
        let listeningAddress = listener.address
        if options.keepListening {
            do { try listener.socket.setNonBlocking(true) } catch { throw .system(error) }
            let reporter = self.reporter
            let describe = { (peer: SocketAddress) in self.receivedLine(peer, listening: listeningAddress) }
            let peer = DatagramPeerInfo(
                connected: false,
                accepts: { $0.family == AF_UNIX || access.permits($0) },
                announce: { reporter.info(describe($0)) })
            return Relay.run(socket: listener.socket, local: local, options: options.session, log: log,
                             peerName: "datagram peers", datagram: peer)
        }
        var first = [UInt8](repeating: 0, count: RelayDirection.datagramCapacity)
        while true {
            let received: (count: Int, sender: SocketAddress)
            do {
                let result = first.withUnsafeMutableBytes { raw in
                    Result { () throws(SyscallError) in try listener.socket.receive(into: raw) }
                }
                guard case .done(let value) = try result.get() else { continue }
                received = value
            } catch {
                throw .system(error)
            }
            if received.sender.family != AF_UNIX, !access.permits(received.sender) {
                let (name, port) = describe(received.sender, fallback: listeningAddress)
                reporter.info(NetcatMessages.refused(host: name, port: port, reason: access.refusal(for: received.sender)))
                continue
            }
            do {
                if received.sender.family != AF_UNIX || received.sender.length > 2 {
                    _ = try listener.socket.connect(to: received.sender)
                }
                try listener.socket.setNonBlocking(true)
            } catch {
                throw .system(error)
            }
            reporter.info(receivedLine(received.sender, listening: listeningAddress))
            return Relay.run(socket: listener.socket, local: local, options: options.session, log: log,
                             peerName: peerName(received.sender),
                             datagram: DatagramPeerInfo(connected: true, address: received.sender),
                             initialInbound: Array(first[..<received.count]))
        }
    }
}
