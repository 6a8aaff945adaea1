import ArgumentParser
import SNCLab
import SNCSocket
import Glibc

/// `snc load`: the lab's congestion test (part 2), with the kernel's view of it.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a lab server with many concurrent clients and report what TCP did.",
        discussion: """
            Every client connects, reads the intro line, sends its message, half-closes and checks \
            the receipt ("received N bytes sha256=HEX") against its own message. The report gives \
            completed and failed clients by cause, connections/s, bytes/s, connect and exchange \
            latency percentiles, and the kernel's TCP counters over the run (/proc/net/netstat, \
            /proc/net/snmp), also per 100 ms on the IO graph's timeline. Limits of this machine \
            (EMFILE, ENFILE, ENOBUFS, EADDRNOTAVAIL) are counted apart, not as TCP errors. \
            Ctrl-C ends the run with a report of what finished and exit status 130. --sweep and more \
            than 100 clients are refused against an address that is not loopback unless \
            --i-own-this-host is given.
            """
    )

    @Argument(help: "The server's host name or address (none with --isolated).")
    var host: String?

    @Argument(help: "The server's port (none with --isolated).")
    var port: Port?

    @Option(name: [.short, .long], help: "Clients in flight at once (default: 10).")
    var concurrency: Int?

    @Option(name: [.customShort("n"), .long], help: "Connections to make in all (per level with --sweep; default max(1000, 2 x clients)).")
    var connections: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Run for this long instead of a number of connections (per level with --sweep).", valueName: "secs"))
    var duration: TimeSpan?

    @Option(name: .customLong("level-duration"), parsing: .unconditional, help: ArgumentHelp("Keep starting clients until each level has run this long, so its IO graph panel fills (default 2 without -n; 0: stop at -n).", valueName: "secs"))
    var levelDuration: TimeSpan?

    @Option(name: .customLong("repeat"), help: ArgumentHelp("Run each level N times; report the median and range (default 1).", valueName: "n"))
    var repeats: Int = 1

    @Option(name: .customLong("message-end"), help: ArgumentHelp("How the server expects a message to end: eof (half-close) or line (a newline; for snc serve --message-end line).", valueName: "eof|line"))
    var messageEnd: MessageEnd = .eof

    @Option(name: .customLong("message-size"), help: ArgumentHelp("Size of each client's generated message (K/M/G suffixes; default 1024).", valueName: "bytes"))
    var messageSize: ByteCount?

    @Option(help: ArgumentHelp("The message every client sends: TEXT, or @FILE for a file's bytes.", valueName: "text|@file"))
    var message: String?

    @Option(help: ArgumentHelp("threads: a thread per client; epoll: one epoll loop per core.", valueName: "threads|epoll"))
    var engine: LoadConfiguration.Engine = .epoll

    @Option(parsing: .unconditional, help: ArgumentHelp("Longest wait to connect, and for each reply (intro, receipt).", valueName: "secs"))
    var timeout: TimeSpan = .seconds(10)

    @Option(help: ArgumentHelp("Run each concurrency level in turn and print one table row per level.", valueName: "10,20,50,..."))
    var sweep: SweepLevels?

    @Option(help: ArgumentHelp("Write an IO graph (per 100 ms: completed, bytes, errors) as SVG.", valueName: "file.svg"))
    var graph: String?

    @Flag(help: "Print the whole report as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Record the run's TCP packets on lo to a pcapng file and count them by Wireshark's TCP analysis classes (needs CAP_NET_RAW).", valueName: "file.pcapng"))
    var capture: String?

    @Option(help: ArgumentHelp("Local source address(es) to spread clients over: A, A,B or A-B (e.g. 127.0.0.2-127.0.0.9).", valueName: "addresses"))
    var source: SourceAddresses?

    @Option(help: ArgumentHelp("Open loop: start this many new connections per second on a schedule, -c at most at once; latency also from each due time (corrected for coordinated omission). epoll engine.", valueName: "n"))
    var rate: Double?

    @Flag(help: "Run the server and the clients in a private user and network namespace: the kernel counters, somaxconn, ports and TIME_WAIT are this run's alone (no HOST PORT; no root needed where user namespaces are on).")
    var isolated = false

    @Option(name: .customLong("server-command"), help: ArgumentHelp("With --isolated: the server to start inside the namespace instead of snc serve, run by /bin/sh with {port} replaced by its port.", valueName: "cmd {port}"))
    var serverCommand: String?

    @Flag(name: .customLong("i-own-this-host"), help: "Allow --sweep or more than 100 clients against an address that is not loopback.")
    var ownsHost = false

    func validate() throws {
        if let rate {
            guard rate > 0, rate <= 1_000_000 else { throw ValidationError("--rate must be more than 0 and at most 1000000 connections per second") }
            if engine == .threads { throw ValidationError("--rate needs --engine epoll (the default)") }
        }
        if isolated {
            if host != nil || port != nil { throw ValidationError("--isolated starts its own server: give no HOST PORT") }
            if let serverCommand, !serverCommand.contains("{port}") {
                throw ValidationError("--server-command \(serverCommand): must contain {port}, where the server's port goes")
            }
        } else {
            if serverCommand != nil { throw ValidationError("--server-command needs --isolated") }
            if host == nil { throw ValidationError("missing HOST and PORT (or --isolated)") }
            if port == nil { throw ValidationError("missing PORT") }
        }
        if let concurrency, !(1...LoadLevel.maxConcurrency).contains(concurrency) {
            throw ValidationError("--concurrency must be 1 to \(LoadLevel.maxConcurrency)")
        }
        if let connections, !(1...LoadLevel.maxConnections).contains(connections) {
            throw ValidationError("--connections must be 1 to \(LoadLevel.maxConnections)")
        }
        try TimeSpanRule.labMoreThanZero.check(duration, option: "--duration")
        if connections != nil && duration != nil { throw ValidationError("give either --connections or --duration, not both") }
        try TimeSpanRule.labAllowingZero.check(levelDuration, option: "--level-duration")
        if levelDuration != nil && duration != nil { throw ValidationError("give either --duration or --level-duration, not both") }
        guard (1...1000).contains(repeats) else { throw ValidationError("--repeat must be 1 to 1000") }
        if messageSize != nil && message != nil { throw ValidationError("give either --message-size or --message, not both") }
        if let messageSize, messageSize.bytes > 1 << 30 {
            throw ValidationError("invalid --message-size: \(messageSize.typed) (0 to 1G)")
        }
        try TimeSpanRule.labMoreThanZero.check(timeout, option: "--timeout")
        if let sweep {
            guard sweep.levels.allSatisfy({ $0 <= LoadLevel.maxConcurrency }) else {
                throw ValidationError("invalid --sweep: \(sweep.levels.map(String.init).joined(separator: ",")) (each level 1 to \(LoadLevel.maxConcurrency))")
            }
            if concurrency != nil { throw ValidationError("give either --sweep or --concurrency, not both") }
        }
    }

    func run() throws {
        var server: IsolatedServer?
        if isolated {
            server = try enterIsolation()
        }
        do {
            try runLevels(isolatedServer: server)
        } catch {
            // Nobody completed or the graph could not be written: the server's log may tell why.
            // A run stopped by a signal (exit 128 + N) needs no explaining.
            let interrupted = (error as? ExitCode).map { $0.rawValue > 128 } ?? false
            if let server { Self.stop(server, keepingLog: !interrupted) }
            throw error
        }
        if let server { Self.stop(server, keepingLog: false) }
    }

    /// In the namespace: the server, started and listening. Outside it: this
    /// binary again, asked to enter one first (see `PrivateNamespace`).
    private func enterIsolation() throws -> IsolatedServer {
        switch PrivateNamespace.state {
        case .outside:
            do {
                try PrivateNamespace.reexecuteInside(arguments: CommandLine.arguments)
            } catch {
                throw Diagnostics.failure("--isolated: \(error)")
            }
        case .failed(let error):
            throw Diagnostics.failure("--isolated: cannot enter a private user and network namespace (\(error)): "
                + "unprivileged user namespaces are off here (kernel.unprivileged_userns_clone=0, user.max_user_namespaces=0, or a container that forbids unshare); "
                + "run without --isolated: snc serve 127.0.0.1 5555 & snc load 127.0.0.1 5555")
        case .entered:
            break
        }
        let server: IsolatedServer
        do {
            server = try IsolatedServer.start(command: serverCommand, serveArguments: messageEnd == .line ? ["--message-end", "line"] : [])
        } catch {
            throw Diagnostics.failure("--isolated: starting the server: \(error)")
        }
        if let problem = server.waitUntilListening(seconds: 10) {
            _ = server.stop(seconds: 5)
            throw Diagnostics.failure("--isolated: \(problem); its output is in \(server.logPath)")
        }
        return server
    }

    /// Stops the isolated server; its log stays when something went wrong, and the user is told where.
    private static func stop(_ server: IsolatedServer, keepingLog: Bool) {
        let early = server.stop(seconds: 5)
        if let early {
            Diagnostics.say("--isolated: the server (\(server.description)) exited on its own (\(early)) during the run; its output is in \(server.logPath)")
        } else if keepingLog {
            Diagnostics.say("--isolated: the server's output is in \(server.logPath)")
        } else {
            server.removeLog()
        }
    }

    private func runLevels(isolatedServer server: IsolatedServer?) throws {
        let host = server == nil ? self.host ?? "" : "127.0.0.1"
        let port = server == nil ? self.port ?? Port(number: 1)! : Port(number: Int(IsolatedServer.port))!
        let levels = self.levels()

        // Who may be loaded how hard is decided from the addresses alone, before any socket exists.
        let addresses: [SocketAddress]
        do {
            addresses = try Resolver.resolve(host: host, port: port.number)
        } catch {
            throw Diagnostics.failure("\(error)")
        }
        if let refusal = TargetPolicy.refusal(host: host, addresses: addresses, highestConcurrency: levels.map(\.concurrency).max() ?? 0,
                                              sweep: sweep != nil, ownsHost: ownsHost) {
            throw Diagnostics.failure(refusal, code: .usage)
        }
        let sources = source?.addresses ?? []
        let target: SocketAddress
        if let family = sources.first?.family {
            guard let match = addresses.first(where: { $0.family == family }) else {
                throw Diagnostics.failure("--source \(source?.text ?? ""): \(host) has no address of the same family", code: .usage)
            }
            target = match
        } else if let first = addresses.first {
            target = first
        } else {
            throw Diagnostics.failure("\(host): no address")
        }
        guard sources.allSatisfy({ $0.family == target.family }) else {
            throw Diagnostics.failure("--source \(source?.text ?? ""): mixes IPv4 and IPv6 addresses", code: .usage)
        }

        let loadMessage: LoadMessage
        let oneLine = messageEnd == .line
        if let message {
            let bytes = try Self.messageBytes(message)
            if oneLine, bytes.contains(0x0A) || bytes.last == 0x0D {
                throw Diagnostics.failure("--message \(message): with --message-end line a message is one line: it may not hold a newline or end in a carriage return", code: .usage)
            }
            loadMessage = LoadMessage(fixed: bytes, oneLine: oneLine)
        } else {
            loadMessage = LoadMessage(size: messageSize?.bytes ?? 1024, oneLine: oneLine)
        }

        ProcessSetup.ignoreBrokenPipe()
        ProcessSetup.raiseOpenFileLimit()
        let signals: SignalDescriptor
        do {
            signals = try SignalDescriptor(signals: [SIGINT, SIGTERM])
        } catch {
            throw Diagnostics.failure("\(error)")
        }

        var configuration = LoadConfiguration(
            target: target,
            targetName: target.description,
            engine: engine,
            message: loadMessage,
            timeout: timeout.seconds,
            sources: sources
        )
        configuration.rate = rate
        var session = LoadSession(configuration: configuration, levels: levels, repeats: repeats, showsProgress: Console.errorIsTerminal)
        session.isolatedServer = server?.description
        if let capture {
            session.capture = try Self.startCapture(path: capture, target: target)
        }
        let printsTable = (sweep != nil || repeats > 1) && !json
        if printsTable {
            Console.write(STDOUT_FILENO, "snc load \(target) (\(configuration.engine.rawValue) engine, \(loadMessage.size)-byte messages"
                + (server.map { ", isolated: private network namespace, server \($0.description)" } ?? "")
                + (repeats > 1 ? ", each level \(repeats) times" : "") + ")\n"
                + (repeats > 1 ? ReportText.repeatTableHeader() : ReportText.tableHeader()))
        }
        var troubleSeen = false
        var runsOfLevel: [LevelReport] = []
        let repeats = self.repeats
        let report = session.run(signals: signals) { level in
            guard printsTable else { return }
            guard repeats > 1 else {
                let first = !troubleSeen && !level.trouble.isEmpty
                troubleSeen = troubleSeen || first
                Console.write(STDOUT_FILENO, ReportText.tableRow(level, firstTrouble: first))
                return
            }
            runsOfLevel.append(level)
            if runsOfLevel.count == repeats {
                Console.write(STDOUT_FILENO, ReportText.repeatTableRow(runsOfLevel))
                runsOfLevel = []
            }
        }
        if printsTable, !runsOfLevel.isEmpty {
            // The level the run was stopped in: the runs it finished.
            Console.write(STDOUT_FILENO, ReportText.repeatTableRow(runsOfLevel))
        }

        if json {
            Console.write(STDOUT_FILENO, ReportJSON.encode(report))
        } else if printsTable {
            Console.write(STDOUT_FILENO, ReportText.tableFooter(report))
        } else {
            Console.write(STDOUT_FILENO, ReportText.single(report))
        }
        if let graph {
            do {
                try FileContents.write(path: graph, bytes: Array(IOGraph.svg(for: report).utf8))
                Console.error("IO graph written to \(graph)")
            } catch {
                throw Diagnostics.failure("--graph \(graph): \(error)")
            }
        }
        if let capture, let error = session.capture?.writeError {
            // The report stands, but the file is incomplete: say so and fail.
            throw Diagnostics.failure("--capture \(capture): the file is incomplete: \(error)")
        }
        // Failed clients are measurements, but a run where every one failed
        // measured nothing about the server: scripts must see that.
        let failure = ReportText.nobodyCompleted(report)
        if let signal = session.stoppedBy {
            // As a shell reports a command a signal stopped: 128 + the signal (130 for SIGINT).
            if let failure { Diagnostics.say(failure) }
            throw ExitCode(128 + signal)
        }
        if let failure {
            throw Diagnostics.failure(failure)
        }
    }

    /// The levels to run: each --sweep level, or the one -c level. -n alone
    /// means exactly that many connections; without -n and --duration a
    /// level also runs at least --level-duration (default 2 s, 20 intervals).
    func levels() -> [LoadLevel] {
        let concurrencies = sweep?.levels ?? [concurrency ?? 10]
        let minimum = levelDuration?.seconds ?? (connections == nil && duration == nil ? LoadLevel.defaultMinimumSeconds : 0)
        return concurrencies.map { clients in
            let budget: LoadConfiguration.Budget = duration.map { .duration($0.seconds) }
                ?? .connections(connections ?? LoadLevel.defaultConnections(concurrency: clients))
            return LoadLevel(concurrency: clients, budget: budget, minimumSeconds: minimum)
        }
    }

    /// Opens the packet capture on lo (before any client runs) and starts its thread.
    static func startCapture(path: String, target: SocketAddress) throws -> CaptureRecorder {
        guard target.isLoopback else {
            throw Diagnostics.failure("--capture records loopback (lo) only: \(target) is not a loopback address", code: .usage)
        }
        do {
            let recorder = try CaptureRecorder(path: path, port: target.port)
            try recorder.start()
            return recorder
        } catch let error where error.errno.rawValue == EPERM || error.errno.rawValue == EACCES {
            throw Diagnostics.failure("--capture needs CAP_NET_RAW for a packet socket on lo: run as root (or as root in a user and network namespace) (\(error))")
        } catch {
            throw Diagnostics.failure("--capture \(path): \(error)")
        }
    }

    static func messageBytes(_ argument: String) throws -> [UInt8] {
        guard argument.hasPrefix("@") else { return Array(argument.utf8) }
        do {
            return try FileContents.read(path: String(argument.dropFirst()), limit: 1 << 30)
        } catch {
            throw Diagnostics.failure("--message \(argument): \(error)", code: .usage)
        }
    }
}
