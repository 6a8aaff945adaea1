import ArgumentParser
import SNCNetcat
import SNCSocket

/// `snc listen [ADDRESS] PORT`: nc's `-l` (also `snc -l PORT`).
struct ListenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Wait for a connection on PORT and relay stdin and stdout over it (nc -l PORT).",
        usage: """
            snc listen [<options>] [<address>] <port>
            snc listen -U [<options>] <path>
            snc -l [<options>] [<address>] <port>  (nc style; also -lv, -lk, -lvnp PORT...)
            """,
        discussion: """
            Without an address, snc listens on one dual-stack socket (:: with IPV6_V6ONLY off) that accepts \
            IPv4 and IPv6 clients (nc listens on IPv4 only); where IPv6 is missing it falls back to 0.0.0.0. \
            -4 listens on 0.0.0.0 only, -6 on :: only.

            One client is served, then snc exits: once stdin has ended and the client has finished sending, or, \
            with a terminal on stdin, as soon as the client has finished (as nc -l). \
            stdout ends as soon as the client has finished, so a reader such as tar sees end of file while stdin \
            is still being sent. \
            With -k it takes the next client once one has finished sending (as nc -k); stdout stays open for it \
            and stdin carries on where the last client left it. \
            With --keep-open (ncat's -k), or -k with --max-conns, it serves many clients at once: stdin goes to all of them \
            and every client's data to stdout. With --broker every client's data goes \
            to all other clients, stdin goes to all clients and the clients' data to stdout; \
            --chat does the same with "<userN> " before each line and announcements when users come and go, \
            as ncat's --chat (users are numbered from 1 as they arrive; stdin is <user0>). \
            A client that leaves more than 1 MiB unread for 2 seconds holds the others back and is dropped, with a message.

            With -u, the first datagram's sender becomes the peer, as with nc; with -k -u replies go to \
            whoever sent last.

            Exit status: 0 on success, 1 on a network failure, 64 on a usage error.
            """
    )

    @OptionGroup(title: "Netcat options")
    var netcat: NetcatOptions

    @OptionGroup(title: "TLS options")
    var tls: TLSArguments

    @Flag(name: .customShort("l"), help: "Listen (implied by the listen command; accepted as in nc).")
    var listen = false

    @Flag(name: .customShort("k"), help: "Keep listening: after a client leaves, wait for the next (with --max-conns: serve many at once, as --keep-open).")
    var keepListening = false

    @Flag(name: .customLong("keep-open"), help: "Serve many clients at once: stdin goes to all, every client's data to stdout (ncat's --keep-open).")
    var keepOpen = false

    @Option(name: .customShort("p"), parsing: .unconditional, help: ArgumentHelp("The port to listen on (instead of the PORT argument).", valueName: "port"))
    var portOption: String?

    @Option(name: .customShort("s"), parsing: .unconditional, help: ArgumentHelp("The address to listen on (instead of the ADDRESS argument).", valueName: "address"))
    var addressOption: String?

    @Flag(name: .customLong("broker"), help: "Serve many clients at once and pass each one's data to all the others (ncat's --broker).")
    var broker = false

    @Flag(name: .customLong("chat"), help: "Like --broker, with \"<userN> \" before each line and join/leave announcements (ncat's --chat).")
    var chat = false

    @Option(name: .customLong("max-conns"), help: ArgumentHelp("With --broker, --chat, --keep-open or -k: serve at most N clients at once (default 100); more are turned away.", valueName: "n"))
    var maxConnections: String?

    @Option(name: .customLong("allow"), help: ArgumentHelp("Serve only clients from ADDRESS[/PREFIX] (or a host name); repeatable.", valueName: "address"))
    var allow: [String] = []

    @Option(name: .customLong("deny"), help: ArgumentHelp("Turn away clients from ADDRESS[/PREFIX] (or a host name), even if --allow matches them too; repeatable.", valueName: "address"))
    var deny: [String] = []

    @Option(name: .customLong("allowfile"), help: ArgumentHelp("As --allow, for each line of FILE (one ADDRESS[/PREFIX] or host name a line, # comments); repeatable.", valueName: "file"))
    var allowFiles: [String] = []

    @Option(name: .customLong("denyfile"), help: ArgumentHelp("As --deny, for each line of FILE (one ADDRESS[/PREFIX] or host name a line, # comments); repeatable.", valueName: "file"))
    var denyFiles: [String] = []

    @Flag(name: .customShort("z"), help: .private)
    var scan = false

    @OptionGroup(visibility: .private)
    var proxy: ProxyOptions

    @Argument(help: ArgumentHelp("The address or host name to listen on (default: every address, IPv4 and IPv6); with -U the socket path.", valueName: "address"))
    var address: String?

    @Argument(help: ArgumentHelp("The port to listen on: a number or service name.", valueName: "port"))
    var port: String?

    func run() throws {
        let options = try NetcatExit.checked(listenOptions)
        if let program = options.session.program {
            try ProgramExit.run { try ListenDriver(options: options, reporter: netcat.reporter).runProgram(program) }
            return
        }
        try NetcatExit.run(failingIdleTimeout: options.session.failingIdleTimeout) {
            try ListenDriver(options: options, reporter: netcat.reporter).run(local: LocalStreams())
        }
    }

    /// The command line, checked, as SNCNetcat's options.
    func listenOptions() throws(NetcatUsageError) -> ListenOptions {
        if scan { throw NetcatUsageError("cannot use -z and -l") }
        if let option = proxy.firstGiven { throw NetcatUsageError("cannot use \(option) with -l") }
        let network = try netcat.networkOptions()
        var options = ListenOptions()
        options.network = network
        options.keepListening = keepListening || keepOpen
        options.broker = broker || chat
        options.chat = chat
        options.receiveOnly = netcat.receiveOnly
        options.session = try netcat.sessionOptions()

        // Positional arguments: [ADDRESS] PORT, or ADDRESS alone with -p, or PATH with -U.
        var positional = [address, port].compactMap { $0 }
        if netcat.unixSocket {
            guard positional.count == 1 else {
                throw NetcatUsageError(positional.isEmpty ? "missing socket path for -U" : "too many arguments for -U: expected one path")
            }
            if portOption != nil || addressOption != nil { throw NetcatUsageError("cannot use -U with -p or -s") }
            if !allow.isEmpty || !deny.isEmpty || !allowFiles.isEmpty || !denyFiles.isEmpty {
                throw NetcatUsageError("cannot use --allow or --deny with -U")
            }
            options.unixPath = positional[0]
        } else {
            var portText = portOption
            if portText == nil {
                guard let last = positional.popLast() else { throw NetcatUsageError("missing port number") }
                portText = last
            }
            if positional.count > 1 { throw NetcatUsageError("too many arguments: expected [ADDRESS] PORT") }
            if let addressOption {
                if !positional.isEmpty { throw NetcatUsageError("cannot use -s and an ADDRESS argument") }
                options.address = addressOption
            } else {
                options.address = positional.first
            }
            if let portText {
                options.port = try ArgumentValues.port(portText, transport: network.transport, numeric: network.numeric)
            }
        }

        if options.broker && network.transport == .udp {
            throw NetcatUsageError("cannot use --\(chat ? "chat" : "broker") and -u")
        }
        if maxConnections != nil && network.transport == .udp { throw NetcatUsageError("cannot use --max-conns and -u") }
        // ncat's --keep-open, or -k with --max-conns: many clients at once on the
        // broker's machinery, each hearing stdin only (-k alone stays nc's, one
        // client after another; -u --keep-open is -u -k).
        if !options.broker, network.transport != .udp, keepOpen || (keepListening && maxConnections != nil) {
            options.broker = true
            options.relaysBetweenClients = false
        }
        // A program or a verified relay per client: nothing to broker between clients.
        if let option = netcat.programOption ?? (netcat.verify ? "--verify" : nil) {
            let manyAtOnce = [(broker, "--broker"), (chat, "--chat"), (keepOpen, "--keep-open"), (maxConnections != nil, "--max-conns")]
            if let clash = manyAtOnce.first(where: \.0) { throw NetcatUsageError("cannot use \(option) and \(clash.1)") }
            if netcat.verify && keepListening { throw NetcatUsageError("cannot use --verify and -k") }
        }
        if let maxConnections {
            guard options.broker else { throw NetcatUsageError("--max-conns needs --broker, --chat, --keep-open or -k") }
            options.maxConnections = try ArgumentValues.count(maxConnections, what: "max-conns")
        }
        var access = AccessControl()
        for rule in allow { access.allowed += try AccessRule.parse(rule, numeric: network.numeric) }
        for rule in deny { access.denied += try AccessRule.parse(rule, numeric: network.numeric) }
        for path in allowFiles {
            let rules = try AccessRule.parse(file: path, option: "--allowfile", numeric: network.numeric)
            // An allow list with nothing in it would admit everyone: surely not what was meant.
            if rules.isEmpty { throw NetcatUsageError("--allowfile \(path) has no addresses") }
            access.allowed += rules
        }
        for path in denyFiles { access.denied += try AccessRule.parse(file: path, option: "--denyfile", numeric: network.numeric) }
        options.access = access
        options.tls = try tls.serverOptions(timeout: netcat.connectTimeout)
        if options.tls != nil {
            try TLSArguments.checkCompatible(network: network, unix: netcat.unixSocket, session: options.session)
        }
        return options
    }
}
