import SNCSSH
import SNCSocket
import Synchronization
import Glibc

/// `snc forward`: binds every local forward, then connects and logs in,
/// then relays until the SSH connection ends. With `sessions` > 1, the
/// tunnelled connections are spread over that many SSH sessions, each run
/// by its own thread (one session is one crypto stream on one core).
package struct ForwardEngine {
    package let configuration: HostConfiguration
    package let settings: TunnelSettings
    package let sessions: Int
    package let prompter: Prompter
    package let log: ForwardLog

    package init(configuration: HostConfiguration, settings: TunnelSettings, sessions: Int, prompter: Prompter, log: ForwardLog) {
        self.configuration = configuration
        self.settings = settings
        self.sessions = max(sessions, 1)
        self.prompter = prompter
        self.log = log
    }

    /// Runs until the SSH connection ends; throws why.
    package func run() throws(ForwardError) {
        guard !configuration.localForwards.isEmpty || !configuration.remoteForwards.isEmpty
            || !configuration.dynamicForwards.isEmpty else {
            throw .usage("no forwarding given: use -L [bind_address:]port:host:hostport, -R, -D or LocalForward")
        }
        // ExitOnForwardFailure: every listener is bound before we authenticate.
        var listeners: [TunnelListener] = []
        for spec in configuration.localForwards {
            listeners += try TunnelListener.bind(spec, log: log)
        }
        for spec in configuration.dynamicForwards {
            listeners += try TunnelListener.bind(spec.listenSpec, service: .socks, log: log)
        }
        let connector = SSHConnector(configuration: configuration, prompter: prompter, log: log)
        if settings.reconnect != nil && !connector.hasUnattendedCredential {
            throw .usage("--reconnect needs a login that asks nothing: an ssh-agent or an identity file, and there is neither")
        }
        var links: [SSHLink] = []
        let credential: Credential
        do {
            let first = try connector.connect()
            links.append(first.link)
            credential = first.credential
            for _ in 1..<sessions {
                links.append(try connector.connectAgain(expecting: first.hostKey, credential: credential))
            }
        }
        guard let policy = settings.reconnect else {
            try serve(&links, listeners: listeners, held: [])
            return
        }
        switch credential {
        case .password, .keyboardInteractive:
            throw .usage("--reconnect needs a login that asks nothing: an ssh-agent or an identity file, and this login used a password")
        case .none, .agent, .identityFile:
            break
        }
        try serveReconnecting(&links, listeners: listeners, credential: credential, connector: connector, policy: policy)
    }

    /// `--reconnect`: serves, and when the session dies keeps the listeners
    /// (holding new clients) while it logs in again with backoff, for ever;
    /// only a failure that would repeat (host key, login, `-R` refused) ends it.
    private func serveReconnecting(
        _ links: inout [SSHLink], listeners: [TunnelListener], credential: Credential, connector: SSHConnector, policy: ReconnectPolicy
    ) throws(ForwardError) {
        let held = HeldClients(policy: policy, log: log)
        let place = "\(configuration.hostName) port \(configuration.port)"
        while true {
            var failure: ForwardError
            do {
                try serve(&links, listeners: listeners, held: held.takeAll())
                return
            } catch {
                failure = error
            }
            links.removeAll()
            var attempt = 0
            while true {
                guard failure.isTransient else { throw failure }
                let delay = policy.randomDelayMilliseconds(attempt: attempt)
                let wait = ReconnectPolicy.describe(milliseconds: delay)
                if attempt == 0 {
                    log.warn("Connection to \(place) lost: \(failure.lossReason); reconnecting in \(wait)")
                } else {
                    log.warn("Reconnect to \(place) failed: \(failure.lossReason); retrying in \(wait)")
                }
                held.hold(on: listeners, until: Deadline(milliseconds: delay))
                do {
                    for _ in 0..<sessions { links.append(try connector.reconnect(reusing: credential)) }
                    log.warn("Reconnected to \(place)\(held.count > 0 ? " (\(held.count) held connection\(held.count == 1 ? "" : "s") resumed)" : "")")
                    break
                } catch {
                    links.removeAll()
                    failure = error
                    attempt += 1
                }
            }
        }
    }

    /// Runs workers over `links` (taken: the array is emptied) until one
    /// session ends; throws why. `held` are clients accepted while no
    /// session existed: the first worker takes them on.
    private func serve(_ links: inout [SSHLink], listeners: [TunnelListener], held: [TunnelHandoff]) throws(ForwardError) {
        log.debug("Forwarding with \(links.count) session\(links.count == 1 ? "" : "s").")
        let stop = StopSignal()
        let failure = Mutex<ForwardError?>(nil)
        var workers: [TunnelWorker] = []
        do {
            for (index, link) in links.enumerated() {
                workers.append(try TunnelWorker(
                    link: link, settings: settings, log: log, hostName: configuration.hostName,
                    listeners: index == 0 ? listeners : [], stop: stop))
            }
        } catch {
            for handoff in held { HeldClients.reset(handoff.descriptor) }
            throw error
        }
        links.removeAll()
        for handoff in held { workers[0].mailbox.post(handoff) }
        // Every remote forward is granted before anything is served.
        try workers[0].establishRemoteForwards(configuration.remoteForwards)
        let mailboxes = workers.map(\.mailbox)
        workers[0].peers = Array(mailboxes.dropFirst())

        var threads: [PosixThread] = []
        for worker in workers.dropFirst() {
            let transfer = WorkerTransfer(worker: worker)
            do throws(SyscallError) {
                threads.append(try PosixThread {
                    do throws(ForwardError) {
                        try transfer.worker.run()
                    } catch {
                        failure.withLock { if $0 == nil { $0 = error } }
                        stop.raise()
                        for mailbox in mailboxes { mailbox.wake() }
                    }
                })
            } catch {
                throw .system(error)
            }
        }
        let main = workers[0]
        workers.removeAll()
        do {
            try main.run()
        } catch {
            failure.withLock { if $0 == nil { $0 = error } }
            stop.raise()
            for mailbox in mailboxes { mailbox.wake() }
        }
        for thread in threads { thread.join() }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}

/// Moves a worker to the thread that will own it. The worker (its session,
/// channels and sockets) is used only by that thread from then on: the
/// starting thread drops its reference before the thread starts working.
private final class WorkerTransfer: @unchecked Sendable {
    let worker: TunnelWorker
    init(worker: TunnelWorker) { self.worker = worker }
}
