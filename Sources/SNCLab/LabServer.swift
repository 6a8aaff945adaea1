import SNCSocket
import Glibc

/// Why `snc serve` could not start or had to stop.
package enum ServeError: Error, CustomStringConvertible {
    case resolve(ResolveError)
    case system(SyscallError)
    case noAddress(String)

    package var description: String {
        switch self {
        case .resolve(let error): "\(error)"
        case .system(let error): "\(error)"
        case .noAddress(let host): "\(host): no address to listen on"
        }
    }
}

/// The lab's multithreaded server: an accept loop that hands every client to
/// a thread of its own right after accept(2) and never waits on a client.
/// The thread is a new one, or one that finished a client moments ago and
/// waits in the `ThreadCache` for the next.
///
/// The loop polls three descriptors: the listener, a wake-up pipe that
/// finishing clients write to when the loop has paused (at --max-clients, or
/// when accept ran out of file descriptors), and a signalfd for SIGINT and
/// SIGTERM. Paused, it leaves new clients in the kernel's accept queue.
package final class LabServer {
    package let configuration: ServeConfiguration
    package let statistics = ServerStatistics()
    /// Where the listener is bound (with the real port when 0 was asked for).
    package let boundAddress: SocketAddress
    /// The listening socket, held by reference so that the loop can borrow
    /// it and `run` can close it (by dropping the holder) to stop accepting.
    private final class ListeningSocketBox {
        let socket: Socket
        init(_ socket: consuming Socket) { self.socket = socket }
    }
    private var listener: ListeningSocketBox?
    private let log: ServeLog
    /// Wakes the accept loop when a client finishes, so a loop that stopped
    /// accepting (at --max-clients, or out of file descriptors) resumes at
    /// once instead of polling on a timer; shared with every client thread.
    private let wakeup: WakePipe
    /// Threads that finished a client and wait for the next one.
    private let threads = ThreadCache()

    /// Creates, binds and listens; no client is accepted until `run`.
    package init(configuration: ServeConfiguration) throws(ServeError) {
        self.configuration = configuration
        log = ServeLog(quiet: configuration.quiet)
        do {
            wakeup = try WakePipe()
        } catch {
            throw .system(error)
        }
        let socket = try Self.listen(configuration)
        do {
            boundAddress = try socket.localAddress()
            try socket.setNonBlocking(true)
        } catch {
            throw .system(error)
        }
        listener = ListeningSocketBox(socket)
    }

    private static func listen(_ configuration: ServeConfiguration) throws(ServeError) -> Socket {
        // Accepted sockets inherit the idle timeouts, which saves two calls per client.
        let idle = configuration.idleTimeout.map { TimeLimit.milliseconds($0) }
        guard let host = configuration.address else {
            do {
                return try Socket.listeningOnEveryAddress(port: configuration.port, backlog: configuration.backlog, inheritedTimeoutMilliseconds: idle)
            } catch {
                throw .system(error.error)
            }
        }
        let candidates: [SocketAddress]
        do {
            candidates = try Resolver.resolve(host: host, port: configuration.port, passive: true)
        } catch {
            throw .resolve(error)
        }
        var lastError: SyscallError?
        for address in candidates {
            do {
                return try Socket.listening(on: address, backlog: configuration.backlog, inheritedTimeoutMilliseconds: idle)
            } catch {
                lastError = error
            }
        }
        if let lastError { throw .system(lastError) }
        throw .noAddress(host)
    }

    /// Serves until SIGINT or SIGTERM arrives on `signals`, then stops
    /// accepting, gives in-flight clients up to --grace seconds, and returns
    /// the summary. The signals must be blocked (SignalDescriptor does it)
    /// before this starts any thread, so client threads never take them.
    package func run(signals: borrowing SignalDescriptor) throws(SyscallError) -> ServeSummary {
        let started = MonotonicClock.now()
        try acceptUntilSignalled(signals: signals)
        listener = nil  // close(2): clients still in the accept queue get a reset
        try waitForClients(signals: signals)
        var summary = statistics.snapshot
        summary.seconds = MonotonicClock.seconds(since: started)
        return summary
    }

    package func printSummary(_ summary: ServeSummary) {
        log.write(summary.lines.map { $0 + "\n" }.joined())
    }

    // MARK: Accepting

    private func acceptUntilSignalled(signals: borrowing SignalDescriptor) throws(SyscallError) {
        guard let listenerDescriptor = listener?.socket.descriptor else { return }
        var backoff = AcceptBackoff()
        while true {
            if let limit = configuration.maxClients, statistics.active.load(ordering: .sequentiallyConsistent) >= limit {
                // Full: stop accepting until a client leaves; newcomers wait in the backlog.
                if try sleep(signals: signals, milliseconds: -1, unless: { self.statistics.active.load(ordering: .sequentiallyConsistent) < limit }) {
                    return
                }
                continue
            }
            var entries = PollSet()
            let listening = entries.add(listenerDescriptor, waitingFor: .readable)
            let signalled = entries.add(signals.descriptor, waitingFor: .readable)
            _ = try entries.wait(timeoutMilliseconds: -1)
            if !entries.reported(signalled).isEmpty, try signals.next() != nil { return }
            guard !entries.reported(listening).isEmpty else { continue }

            switch try acceptReady() {
            case .drained:
                backoff.reset()
            case .outOfDescriptors:
                statistics.acceptPauses.add(1, ordering: .relaxed)
                // Wait for a client to close its socket (or a short while, in
                // case something else holds the descriptors), then try again.
                backoff.pause()
                if try sleep(signals: signals, milliseconds: Int32(backoff.milliseconds), unless: { false }) { return }
                backoff.wake()
            }
        }
    }

    private enum AcceptRound { case drained, outOfDescriptors }

    /// Accepts every client waiting in the queue (up to the client limit).
    private func acceptReady() throws(SyscallError) -> AcceptRound {
        guard let listener else { return .drained }
        while configuration.maxClients.map({ statistics.active.load(ordering: .sequentiallyConsistent) < $0 }) ?? true {
            switch try listener.socket.accept() {
            case .accepted(let accepted): start(accepted)
            case .none: return .drained
            case .clientGone: continue
            case .outOfDescriptors: return .outOfDescriptors
            }
        }
        return .drained
    }

    /// Hands the client to a new thread: the thread owns its socket from here on.
    private func start(_ accepted: consuming Socket.Accepted) {
        let (descriptor, peer) = accepted.release()
        let startedAt = MonotonicClock.now()
        let configuration = self.configuration
        let statistics = self.statistics
        let log = self.log
        let wakeup = self.wakeup
        statistics.clientStarted()
        let body: @Sendable () -> Void = {
            var result: (bytes: Int, outcome: ServedOutcome)
            do {
                let client = ServedClient(socket: Socket(adopting: descriptor), configuration: configuration, acceptedAt: startedAt)
                result = client.serve()
            }  // the socket is closed here, before the slot is given back
            statistics.record(result.outcome, bytes: result.bytes)
            log.client(peer: peer, bytes: result.bytes, seconds: MonotonicClock.seconds(since: startedAt), outcome: result.outcome)
            statistics.active.subtract(1, ordering: .sequentiallyConsistent)
            wakeup.wakeIfArmed()
        }
        if threads.handOff(body) { return }
        let threads = self.threads
        var waitMilliseconds: Int32 = 1
        var waited: Int32 = 0
        while true {
            do {
                try PosixThread.detach(stackSize: configuration.threadStackSize) { threads.runAndStay(body) }
                return
            } catch {
                // EAGAIN: out of threads or memory for a stack. Wait for a
                // client to finish, up to about two seconds, then give up on this one.
                guard error.errno.rawValue == EAGAIN, waited < 2000 else { break }
                statistics.threadPauses.add(1, ordering: .relaxed)
                var none: [pollfd] = []
                _ = try? Poll.wait(&none, timeoutMilliseconds: waitMilliseconds)
                waited += waitMilliseconds
                waitMilliseconds = min(waitMilliseconds * 2, 200)
            }
        }
        let refused = Socket(adopting: descriptor)
        _ = Array("error: server busy, try again\n".utf8).withUnsafeBytes { try? refused.write($0) }
        statistics.turnedAway.add(1, ordering: .relaxed)
        statistics.active.subtract(1, ordering: .sequentiallyConsistent)
        log.client(peer: peer, bytes: 0, seconds: MonotonicClock.seconds(since: startedAt), outcome: .failed(SyscallError("pthread_create", code: EAGAIN)))
    }

    /// Sleeps until a client finishes, a signal comes, or the timeout passes
    /// (-1: no timeout). Returns true if a stop signal arrived.
    private func sleep(signals: borrowing SignalDescriptor, milliseconds: Int32, unless ready: () -> Bool) throws(SyscallError) -> Bool {
        wakeup.arm()
        defer { wakeup.disarm() }
        if ready() { return false }
        var entries = PollSet()
        entries.add(wakeup.readEnd, waitingFor: .readable)
        let signalled = entries.add(signals.descriptor, waitingFor: .readable)
        _ = try entries.wait(timeoutMilliseconds: milliseconds)
        return entries.reported(signalled).isEmpty ? false : try signals.next() != nil
    }

    // MARK: Stopping

    /// Waits for in-flight clients for up to --grace seconds; a second signal cuts the wait short.
    private func waitForClients(signals: borrowing SignalDescriptor) throws(SyscallError) {
        let deadline = Deadline(seconds: TimeLimit.clamped(configuration.grace))
        while statistics.active.load(ordering: .sequentiallyConsistent) > 0 && !deadline.hasPassed {
            let stop = try sleep(signals: signals, milliseconds: min(deadline.remainingMilliseconds, 100)) {
                self.statistics.active.load(ordering: .sequentiallyConsistent) == 0
            }
            if stop { return }
        }
    }
}
