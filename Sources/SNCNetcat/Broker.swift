import SystemPackage
import SNCSocket
#if canImport(Glibc)
import Glibc
#endif

/// ncat's `--broker` and `--chat`: many clients at once; what one sends goes
/// to all the others. snc's own stdin goes to every client (as <user0> in
/// chat), and the clients' data to stdout. Runs until killed.
struct Broker {
    let options: ListenOptions
    let reporter: Reporter
    let log: SessionLog?

    /// Reading stops while any client has this much waiting, so a slow
    /// client holds everyone back instead of growing memory without bound.
    static let highWater = 1 << 20
    static let readSize = 64 << 10

    /// One connected client.
    final class Client {
        let socket: Socket
        let host: String
        let user: Int
        var outgoing = ByteQueue()
        var lines = ChatLines()
        /// A write failed: the client is to leave at the end of this round.
        var broken = false
        var gone = false

        init(socket: consuming Socket, host: String, user: Int) {
            self.socket = socket
            self.host = host
            self.user = user
        }
    }

    private final class State {
        var clients: [Client] = []
        var nextUser = 1
        var inputOpen: Bool
        var outputOpen: Bool
        var inputLines = ChatLines()

        init(inputOpen: Bool, outputOpen: Bool) {
            self.inputOpen = inputOpen
            self.outputOpen = outputOpen
        }
    }

    func run(listener: borrowing Socket) throws(NetcatError) -> RelayOutcome {
        let state = State(inputOpen: options.session.readsInput, outputOpen: options.session.writesOutput)
        do { try listener.setNonBlocking(true) } catch { throw .system(error) }
        var buffer = [UInt8](repeating: 0, count: Self.readSize)
        var descriptors: [pollfd] = []
        var acceptPause = AcceptPause()
        while true {
            let paused = state.clients.contains { $0.outgoing.count > Self.highWater }
            descriptors.removeAll(keepingCapacity: true)
            // Out of descriptors, the listener stays readable: leave it out of the
            // poll set until the pause ends or a client leaves, or the loop spins.
            let listening = !acceptPause.isActive
            descriptors.append(pollfd(fd: listening ? listener.descriptor : -1, events: Int16(POLLIN), revents: 0))
            // stdin waits until someone is there to read it, so none of it is lost.
            let readsInput = state.inputOpen && !paused && !state.clients.isEmpty
            descriptors.append(pollfd(fd: readsInput ? STDIN_FILENO : -1, events: Int16(POLLIN), revents: 0))
            for client in state.clients {
                let events = (paused ? 0 : POLLIN) | (client.outgoing.isEmpty ? 0 : POLLOUT)
                descriptors.append(pollfd(fd: events == 0 ? -1 : client.socket.descriptor, events: Int16(events), revents: 0))
            }
            do {
                _ = try Poll.wait(&descriptors, timeoutMilliseconds: acceptPause.remainingMilliseconds)
            } catch {
                throw .system(error)
            }
            let clients = state.clients
            if descriptors[0].revents != 0, let failure = accept(from: listener, state) {
                if acceptPause.begin() { reporter.warning("accept: \(failure.errno.description); pausing new connections") }
            } else if listening {
                acceptPause.reset()
            }
            if descriptors[1].revents != 0 {
                readInput(into: &buffer, state)
            }
            for (index, client) in clients.enumerated() where !client.gone {
                let ready = descriptors[index + 2].revents
                if ready & Int16(POLLOUT) != 0 { flush(client) }
                if ready & Int16(POLLIN | POLLHUP | POLLERR) != 0 { read(client, into: &buffer, state) }
            }
            let before = state.clients.count
            removeGone(state)
            if state.clients.count < before { acceptPause.end() }
        }
    }

    // MARK: Arrivals and departures

    /// Accepts every waiting client. Returns the error when accept(2) failed
    /// for lack of descriptors or memory (the caller pauses accepting).
    private func accept(from listener: borrowing Socket, _ state: State) -> SyscallError? {
        while true {
            do {
                guard let accepted = try listener.accept(nonBlocking: true) else { return nil }
                let peer = accepted.peer
                admit(accepted.takeSocket(), from: peer, state)
            } catch {
                switch error.errno {
                case .connectionAbort:
                    continue // that client is gone already
                case .tooManyOpenFiles, .tooManyOpenFilesInSystem, .noBufferSpace, .noMemory:
                    return error
                default:
                    reporter.warning("accept: \(error.errno.description)")
                    return nil
                }
            }
        }
    }

    /// Takes in a new client, unless `--allow`/`--deny` or `--max-conns` turn
    /// it away (dropping `socket` closes it).
    private func admit(_ socket: consuming Socket, from address: SocketAddress, _ state: State) {
        guard let host = admission(of: address, state) else { return }
        let client = Client(socket: socket, host: host, user: state.nextUser)
        state.nextUser += 1
        welcome(client, state)
    }

    /// The address to show for a new client (numeric, as ncat's chat shows
    /// it), or nil (with a `-v` line) if it is turned away.
    private func admission(of address: SocketAddress, _ state: State) -> String? {
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
        return host
    }

    private func welcome(_ client: Client, _ state: State) {
        let others = state.clients.map { (host: $0.host, user: $0.user) }
        state.clients.append(client)
        if options.chat {
            let announcement = ChatFormat.joined(host: client.host, user: client.user) + ChatFormat.alreadyConnected(others)
            send(Array(announcement.utf8), to: state.clients, state, toOutput: true)
        }
    }

    private func depart(_ client: Client, _ state: State) {
        guard !client.gone else { return }
        if options.chat {
            let rest = client.lines.finish(user: client.user)
            let others = state.clients.filter { $0 !== client && !$0.gone && !$0.broken }
            if !rest.isEmpty { send(rest, to: others, state, toOutput: true) }
            client.gone = true
            send(Array(ChatFormat.left(user: client.user).utf8), to: others, state, toOutput: true)
        }
        client.gone = true
    }

    private func removeGone(_ state: State) {
        for client in state.clients where client.broken { depart(client, state) }
        // Dropping a Client closes its socket.
        state.clients.removeAll { $0.gone }
    }

    // MARK: Data

    private func readInput(into buffer: inout [UInt8], _ state: State) {
        let result = buffer.withUnsafeMutableBytes { raw in Result { () throws(SyscallError) in try Descriptor.read(STDIN_FILENO, into: raw) } }
        switch result {
        case .success(.done(0)), .failure:
            // The broker goes on without stdin; clients still talk to each other.
            state.inputOpen = false
            if options.chat {
                let rest = state.inputLines.finish(user: 0)
                if !rest.isEmpty { send(rest, to: state.clients, state, toOutput: false) }
            }
        case .success(.done(let count)):
            distribute(buffer[..<count], from: nil, state)
        case .success(.wouldBlock):
            break
        }
    }

    private func read(_ client: Client, into buffer: inout [UInt8], _ state: State) {
        let result = buffer.withUnsafeMutableBytes { raw in Result { () throws(SyscallError) in try client.socket.read(into: raw) } }
        switch result {
        case .success(.done(0)), .failure:
            depart(client, state)
        case .success(.done(let count)):
            distribute(buffer[..<count], from: client, state)
        case .success(.wouldBlock):
            break
        }
    }

    /// What `sender` (nil: stdin) sent goes to every other client, and a
    /// client's data also to stdout. Chat turns it into prefixed lines first.
    private func distribute(_ bytes: ArraySlice<UInt8>, from sender: Client?, _ state: State) {
        if let log { bytes.withUnsafeBytes { _ = try? log.record($0) } }
        let message: [UInt8]
        if options.chat {
            message = sender.map { $0.lines.feed(bytes, user: $0.user) } ?? state.inputLines.feed(bytes, user: 0)
            if message.isEmpty { return }
        } else {
            message = Array(bytes)
        }
        let others = state.clients.filter { $0 !== sender && !$0.gone && !$0.broken }
        send(message, to: others, state, toOutput: sender != nil)
    }

    private func send(_ message: [UInt8], to clients: [Client], _ state: State, toOutput: Bool) {
        for client in clients where !client.gone && !client.broken {
            client.outgoing.append(message)
            flush(client)
        }
        guard toOutput, state.outputOpen else { return }
        let written = message.withUnsafeBytes { raw in
            Result { () throws(SyscallError) in try Descriptor.writeAll(STDOUT_FILENO, raw) }
        }
        // stdout closed (`| head`): the broker keeps serving its clients.
        if case .failure = written { state.outputOpen = false }
    }

    /// Writes what the client's queue holds, as far as its socket takes it.
    private func flush(_ client: Client) {
        while !client.outgoing.isEmpty, !client.gone, !client.broken {
            let result = client.outgoing.withReadable { raw in
                let outcome = Result { () throws(SyscallError) in try client.socket.write(raw) }
                if case .success(.done(let count)) = outcome { return (count, outcome) }
                return (0, outcome)
            }
            switch result {
            case .success(.done): continue
            case .success(.wouldBlock): return
            case .failure:
                client.broken = true
                return
            }
        }
    }
}
