import SystemPackage
import SNCSocket
import SNCTLS
import Glibc

/// Many clients at once on one listener: ncat's `--broker` (what one client
/// sends goes to all the others), `--chat` (the same as prefixed lines, with
/// announcements) and `--keep-open` (clients hear only stdin). snc's stdin
/// goes to every client (as <user0> in chat), and the clients' data to
/// stdout; `BrokerRoutes` says which of these paths are open. Runs until
/// killed (`--keep-open --send-only`: until stdin is sent). With `--ssl`,
/// each client's handshake runs in the same loop and it is routed once done.
struct Broker {
    let options: ListenOptions
    let reporter: Reporter
    let log: SessionLog?
    let tls: TLSServer?
    let rule = SlowClientRule()

    static let readSize = 64 << 10

    init(options: ListenOptions, reporter: Reporter, log: SessionLog?, tls: TLSServer? = nil) {
        self.options = options
        self.reporter = reporter
        self.log = log
        self.tls = tls
    }

    private final class State {
        var clients: [BrokerClient] = []
        var nextUser = 1
        /// stdin is still read (it has not ended, and is read at all).
        var inputOpen: Bool
        /// stdin reached its end (or failed) after being read.
        var inputEnded = false
        var outputOpen: Bool
        var inputLines = ChatLines()

        init(inputOpen: Bool, outputOpen: Bool) {
            self.inputOpen = inputOpen
            self.outputOpen = outputOpen
        }
    }

    func run(listener: borrowing Socket) throws(NetcatError) -> RelayOutcome {
        let routes = BrokerRoutes(options)
        let state = State(inputOpen: routes.inputToClients, outputOpen: routes.clientsToOutput)
        do { try listener.setNonBlocking(true) } catch { throw .system(error) }
        var buffer = [UInt8](repeating: 0, count: Self.readSize)
        var descriptors = PollSet()
        var acceptBackoff = AcceptBackoff()
        while true {
            let paused = state.clients.contains { rule.holdsOthersBack(queued: $0.outgoing.count) }
            descriptors.removeAll()
            // Out of descriptors, the listener stays readable: leave it out of the
            // poll set until the pause ends or a client leaves, or the loop spins.
            // Read once, so the poll set and the timeout agree on whether it is paused.
            let acceptWait = acceptBackoff.remainingMilliseconds
            let listening = acceptWait < 0
            let arrivals = descriptors.add(listener.descriptor, waitingFor: .readable, if: listening)
            // stdin waits until someone is there to read it, so none of it is lost.
            let readsInput = state.inputOpen && !paused && state.clients.contains { $0.isRouted }
            let input = descriptors.add(STDIN_FILENO, waitingFor: .readable, if: readsInput)
            // Clients follow in order, so client i is at firstClient + i.
            let firstClient = descriptors.count
            for client in state.clients {
                descriptors.add(client.socket.descriptor, waitingFor: client.pollEvents(reading: !paused))
            }
            do {
                _ = try descriptors.wait(timeoutMilliseconds: pollTimeout(acceptWait, state, reading: !paused))
            } catch {
                throw .system(error)
            }
            let clients = state.clients
            if !descriptors.reported(arrivals).isEmpty, let failure = accept(from: listener, state, routes) {
                if acceptBackoff.pause() { reporter.warning("accept: \(failure.errno.description); pausing new connections") }
            } else if listening {
                acceptBackoff.reset()
            }
            if !descriptors.reported(input).isEmpty {
                readInput(into: &buffer, state, routes)
            }
            for (index, client) in clients.enumerated() where !client.gone {
                if !client.isRouted {
                    continueHandshake(client, reported: descriptors.reported(firstClient + index), state, routes)
                    continue
                }
                let ready = client.readiness(descriptors.reported(firstClient + index), reading: !paused)
                if ready.contains(.writable) { flush(client) }
                if !ready.isDisjoint(with: [.readable, .hangUp]) { read(client, into: &buffer, state, routes) }
            }
            dropStalled(state)
            if state.inputEnded && routes.halfClosesWhenInputEnds { shutDownSending(state) }
            let before = state.clients.count
            removeGone(state, routes)
            if state.clients.count < before { acceptBackoff.wake() }
            if routes.endsWhenInputSent, state.inputEnded, state.clients.allSatisfy({ $0.outgoing.isEmpty }) {
                return .completed
            }
        }
    }

    /// Wakes poll(2) when an accept pause ends, a stalled client's or a TLS
    /// handshake's time is up, or TLS input waits inside OpenSSL.
    private func pollTimeout(_ acceptWait: Int32, _ state: State, reading: Bool) -> Int32 {
        var deadlines: [Deadline?] = [acceptWait < 0 ? nil : Deadline(milliseconds: Int(acceptWait))]
        for client in state.clients {
            if let wait = client.tls?.wakeUpMilliseconds(reading: reading) { deadlines.append(Deadline(milliseconds: Int(wait))) }
            if let stalledSince = client.stalledSince { deadlines.append(rule.deadline(stalledSince: stalledSince)) }
        }
        return Deadline.pollTimeout(deadlines)
    }

    // MARK: Arrivals and departures

    /// Accepts every waiting client. Returns the error when accept(2) failed
    /// for lack of descriptors or memory (the caller pauses accepting).
    private func accept(from listener: borrowing Socket, _ state: State, _ routes: BrokerRoutes) -> SyscallError? {
        while true {
            do {
                switch try listener.accept(nonBlocking: true) {
                case .accepted(let accepted):
                    let peer = accepted.peer
                    admit(accepted.takeSocket(), from: peer, state, routes)
                case .none:
                    return nil
                case .clientGone:
                    continue // that client is gone already
                case .outOfDescriptors(let error):
                    return error
                }
            } catch {
                reporter.warning("accept: \(error.errno.description)")
                return nil
            }
        }
    }

    /// Takes in a new client, unless `--allow`/`--deny` or `--max-conns` turn
    /// it away (dropping `socket` closes it).
    private func admit(_ socket: consuming Socket, from address: SocketAddress, _ state: State, _ routes: BrokerRoutes) {
        guard let (host, label) = admission(of: address, state) else { return }
        var session: BrokerTLS?
        if let tls {
            do {
                let connection = try TLSSession(context: tls.context, descriptor: socket.descriptor, isServer: true)
                session = BrokerTLS(session: connection, timeout: tls.options.handshakeTimeout)
            } catch {
                reporter.warning("broker: TLS with \(label): \(error)")
                return
            }
        }
        let client = BrokerClient(socket: socket, host: host, label: label, user: state.nextUser, tls: session)
        state.nextUser += 1
        guard session != nil else { return welcome(client, state, routes) }
        // Not routed until its handshake is done; the loop runs it.
        state.clients.append(client)
    }

    /// One step of a client's TLS handshake once poll(2) reported its socket
    /// (or its time ran out); a client that fails or stalls is dropped alone.
    private func continueHandshake(_ client: BrokerClient, reported: PollEvents, _ state: State, _ routes: BrokerRoutes) {
        guard let session = client.tls, reported != [] || session.handshakeDeadline.hasPassed else { return }
        switch session.continueHandshake() {
        case .waiting:
            break
        case .failed(let reason):
            reporter.warning("broker: dropping client \(client.user) (\(client.label)): TLS \(reason)")
            client.broken = true
        case .done:
            TLSSessionReport.describe(session.session, certificate: session.session.peerCertificate, reporter: reporter)
            state.clients.removeAll { $0 === client }
            welcome(client, state, routes)
        }
    }

    /// The address to show for a new client (numeric, as ncat's chat shows
    /// it) and to log it by, or nil (with a `-v` line) if it is turned away.
    private func admission(of address: SocketAddress, _ state: State) -> (host: String, label: String)? {
        let peer = address.unmappingIPv4
        let host = peer.family == AF_UNIX ? (options.unixPath ?? "unix") : peer.host
        let name = peer.family == AF_UNIX ? host : peer.hostName(numeric: options.network.numeric)
        if peer.family != AF_UNIX, !options.access.permits(peer) {
            reporter.info(NetcatMessages.refused(host: name, port: peer.port, reason: options.access.refusal(for: peer)))
            return nil
        }
        if state.clients.count >= options.maxConnections {
            reporter.info(NetcatMessages.refused(host: name, port: peer.port,
                                                 reason: "too many connections (--max-conns \(options.maxConnections))"))
            return nil
        }
        reporter.info(peer.family == AF_UNIX ? "Connection received on \(host)" : NetcatMessages.received(host: name, port: peer.port))
        let label = peer.family == AF_UNIX ? host : peer.family == AF_INET6 ? "[\(host)]:\(peer.port)" : "\(host):\(peer.port)"
        return (host, label)
    }

    /// Chat announces the newcomer to everyone; only the newcomer hears who
    /// is already there, so a join costs a line per user, not the whole list.
    private func welcome(_ client: BrokerClient, _ state: State, _ routes: BrokerRoutes) {
        let others = state.clients.filter { !$0.gone && !$0.broken && $0.isRouted }.map { (host: $0.host, user: $0.user) }
        state.clients.append(client)
        guard options.chat else { return }
        send(Array(ChatFormat.joined(host: client.host, user: client.user).utf8), to: state.clients, state, routes, toOutput: true)
        let roster = ChatFormat.alreadyConnected(others, showingAtMost: ChatFormat.rosterLimit)
        send(Array(roster.utf8), to: [client], state, routes, toOutput: false)
    }

    private func depart(_ client: BrokerClient, _ state: State, _ routes: BrokerRoutes) {
        guard !client.gone else { return }
        client.gone = true
        if options.chat && client.isRouted {
            let rest = client.lines.finish(user: client.user)
            let others = state.clients.filter { !$0.gone && !$0.broken && $0.isRouted }
            if !rest.isEmpty, routes.clientsToClients || routes.clientsToOutput {
                send(rest, to: routes.clientsToClients ? others : [], state, routes, toOutput: routes.clientsToOutput)
            }
            send(Array(ChatFormat.left(user: client.user).utf8), to: others, state, routes, toOutput: true)
        }
    }

    /// Drops every client that has held the others back for too long.
    private func dropStalled(_ state: State) {
        let now = MonotonicClock.now()
        for client in state.clients where !client.gone && !client.broken {
            let queued = client.outgoing.count
            guard rule.drops(queued: queued, stalledSince: client.stalledSince, now: now) else { continue }
            reporter.warning("broker: dropping client \(client.user) (\(client.label)): not reading, \(queued) bytes queued")
            client.broken = true
        }
    }

    /// `--keep-open` after stdin ended: each client whose queue is written
    /// sees end of file (shutdown(2) SHUT_WR); its data still reaches stdout.
    private func shutDownSending(_ state: State) {
        for client in state.clients where !client.gone && !client.broken && !client.sendingShutDown && client.outgoing.isEmpty && client.isRouted {
            client.sendingShutDown = true
            if !client.endSending() { client.broken = true }
        }
    }

    private func removeGone(_ state: State, _ routes: BrokerRoutes) {
        for client in state.clients where client.broken { depart(client, state, routes) }
        // Dropping a client closes its socket and frees its queue.
        state.clients.removeAll { $0.gone }
    }

    // MARK: Data

    private func readInput(into buffer: inout [UInt8], _ state: State, _ routes: BrokerRoutes) {
        let result = buffer.withUnsafeMutableBytes { raw in Result { () throws(SyscallError) in try Descriptor.read(STDIN_FILENO, into: raw) } }
        switch result {
        case .success(.done(0)), .failure:
            // The broker goes on without stdin; clients still talk to each other.
            state.inputOpen = false
            state.inputEnded = true
            if options.chat {
                let rest = state.inputLines.finish(user: 0)
                if !rest.isEmpty { send(rest, to: state.clients, state, routes, toOutput: false) }
            }
        case .success(.done(let count)):
            distribute(buffer[..<count], from: nil, state, routes)
        case .success(.wouldBlock):
            break
        }
    }

    private func read(_ client: BrokerClient, into buffer: inout [UInt8], _ state: State, _ routes: BrokerRoutes) {
        switch buffer.withUnsafeMutableBytes({ raw in client.receive(into: raw) }) {
        case .ended:
            if let reason = client.tls?.failure { reporter.warning("broker: dropping client \(client.user) (\(client.label)): TLS \(reason)") }
            depart(client, state, routes)
        case .bytes(let count):
            distribute(buffer[..<count], from: client, state, routes)
        case .nothingYet:
            break
        }
    }

    /// What `sender` (nil: stdin) sent goes where `routes` let it: to every
    /// other client, and a client's data to stdout. Chat turns it into
    /// prefixed lines first. Data with nowhere to go is read and dropped.
    private func distribute(_ bytes: ArraySlice<UInt8>, from sender: BrokerClient?, _ state: State, _ routes: BrokerRoutes) {
        if let log { bytes.withUnsafeBytes { _ = try? log.record($0) } }
        let toClients = sender == nil ? routes.inputToClients : routes.clientsToClients
        let toOutput = sender != nil && routes.clientsToOutput
        guard toClients || toOutput else { return }
        let message: [UInt8]
        if options.chat {
            message = sender.map { $0.lines.feed(bytes, user: $0.user) } ?? state.inputLines.feed(bytes, user: 0)
            if message.isEmpty { return }
        } else {
            message = Array(bytes)
        }
        let others = toClients ? state.clients.filter { $0 !== sender } : []
        send(message, to: others, state, routes, toOutput: toOutput)
    }

    private func send(_ message: [UInt8], to clients: [BrokerClient], _ state: State, _ routes: BrokerRoutes, toOutput: Bool) {
        if routes.sendsToClients {
            let now = MonotonicClock.now()
            for client in clients where !client.gone && !client.broken && !client.sendingShutDown && client.isRouted {
                client.outgoing.append(message)
                flush(client, now: now)
            }
        }
        guard toOutput, state.outputOpen else { return }
        let written = message.withUnsafeBytes { raw in
            Result { () throws(SyscallError) in try Descriptor.writeAll(STDOUT_FILENO, raw) }
        }
        // stdout closed (`| head`): the broker keeps serving its clients.
        if case .failure = written { state.outputOpen = false }
    }

    /// Writes what the client's queue holds, as far as its socket takes it.
    private func flush(_ client: BrokerClient, now: UInt64 = MonotonicClock.now()) {
        defer { client.noteQueueLength(rule, now: now) }
        while !client.outgoing.isEmpty, !client.gone, !client.broken {
            let result = client.outgoing.withReadable { raw in
                let outcome = client.transmit(raw)
                if case .bytes(let count) = outcome { return (count, outcome) }
                return (0, outcome)
            }
            switch result {
            case .bytes: continue
            case .wouldBlock: return
            case .failed:
                if let reason = client.tls?.failure { reporter.warning("broker: dropping client \(client.user) (\(client.label)): TLS \(reason)") }
                client.broken = true
                return
            }
        }
    }
}
