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
        let first = try connector.connect()
        var links = [first.link]
        for _ in 1..<sessions {
            links.append(try connector.connectAgain(expecting: first.hostKey, credential: first.credential))
        }
        log.debug("Forwarding with \(links.count) session\(links.count == 1 ? "" : "s").")

        let stop = StopSignal()
        let failure = Mutex<ForwardError?>(nil)
        var workers: [TunnelWorker] = []
        for (index, link) in links.enumerated() {
            workers.append(try TunnelWorker(
                link: link, settings: settings, log: log, hostName: configuration.hostName,
                listeners: index == 0 ? listeners : [], stop: stop))
        }
        links.removeAll()
        listeners.removeAll()
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
