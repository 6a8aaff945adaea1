import ArgumentParser
import SNCForward
import SNCNetcat
import SNCSocket

/// `snc connect HOST PORT`: nc's client mode (also `snc HOST PORT`).
struct ConnectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Connect to HOST PORT and relay stdin and stdout over the connection (nc HOST PORT).",
        usage: """
            snc connect [<options>] <host> <port>
            snc connect -z [<options>] <host> <port-or-range>...
            snc connect -U [<options>] <path>
            snc [<options>] <host> <port>          (nc style)
            """,
        discussion: """
            Every byte read from stdin is sent; every byte received is written to stdout. \
            When stdin ends, snc shuts down its sending side (the peer sees end of file and can still answer) \
            and exits once the peer closes too; -q ends it sooner. \
            When the peer has finished sending, stdout ends at once (so a reader downstream sees end of file) \
            while stdin is still sent. \
            Pipes and files move by splice(2), without copying through user space.

            Each address HOST resolves to is tried in turn. Ports are numbers (1-65535) or service names \
            such as http; with -z also ranges such as 20-25.

            Exit status: 0 on success (with -z: at least one port open), 1 on a network failure, 64 on a usage error.
            """
    )

    @OptionGroup(title: "Netcat options")
    var netcat: NetcatOptions

    @OptionGroup(title: "TLS options")
    var tls: TLSArguments

    @Flag(name: .customShort("z"), help: ArgumentHelp(
        "Scan: report which ports accept connections, sending no data (-v prints each result).",
        discussion: "With -u each port gets empty datagrams; an ICMP port unreachable marks it closed, silence for 3 seconds (-w SECS) open, as nc."))
    var scan = false

    @Option(name: .customShort("s"), parsing: .unconditional, help: ArgumentHelp("Connect from this local address (with -U: bind this socket path, removed at exit).", valueName: "address"))
    var sourceAddress: String?

    @Option(name: .customShort("p"), parsing: .unconditional, help: ArgumentHelp("Connect from this local port.", valueName: "port"))
    var sourcePort: String?

    @OptionGroup(title: "Proxy options")
    var proxy: ProxyOptions

    @Option(name: .customLong("via"), help: ArgumentHelp(
        "Reach HOST PORT through this SSH server over one channel, like ssh -W (also ssh://[user@]sshhost[:port]).",
        discussion: "Keys, known_hosts and ~/.ssh/config are used as by snc forward.",
        valueName: "[user@]sshhost[:port]"))
    var via: String?

    @Option(name: .customLong("via-port"), help: ArgumentHelp(
        "With --via: the SSH server's port, as ssh -p.", valueName: "port"))
    var viaPort: String?

    @Option(name: .customLong("ssh-option"), help: ArgumentHelp(
        "With --via: an ssh_config option, as ssh -o (repeatable).", valueName: "key=value"))
    var sshOptions: [String] = []

    @Flag(name: .customShort("k"), help: .private)
    var keepListening = false

    @Argument(help: ArgumentHelp("The host name or address to connect to (with -U: the socket path).", valueName: "host"))
    var host: String?

    @Argument(help: ArgumentHelp("The port: a number or service name; with -z also LOW-HIGH ranges, several allowed.", valueName: "port"))
    var ports: [String] = []

    func run() throws {
        if let via {
            if let option = proxy.firstGiven { throw Diagnostics.failure("cannot use \(option) with --via", code: .usage) }
            if let option = netcat.programOption ?? (netcat.verify ? "--verify" : nil) {
                throw Diagnostics.failure("cannot use --via and \(option)", code: .usage)
            }
            try runThroughSSH(via: via)
            return
        }
        let options = try NetcatExit.checked(connectOptions)
        var connector = Connector(options: options, reporter: netcat.reporter)
        if let spec = options.proxy { connector.proxyPassword = { user in Self.proxyPassword(user: user, proxy: spec) } }
        if let program = options.session.program {
            try ProgramExit.run { try connector.runProgram(program) }
            return
        }
        try NetcatExit.run(failingIdleTimeout: options.session.failingIdleTimeout) {
            try connector.run(local: LocalStreams())
        }
    }

    /// `-P USER`'s password: SNC_PROXY_PASSWORD, else asked on /dev/tty with
    /// echo off, as nc asks "Proxy password for USER@HOST: ".
    static func proxyPassword(user: String, proxy: ProxySpec) -> String? {
        if let password = Prompter.processEnvironment()["SNC_PROXY_PASSWORD"] { return password }
        return Prompter(batchMode: false).secret("Proxy password for \(user)@\(proxy.host): ", allowStdin: false)
    }

    /// The command line, checked, as SNCNetcat's options.
    func connectOptions() throws(NetcatUsageError) -> ConnectOptions {
        if keepListening { throw NetcatUsageError("must use -l with -k") }
        let network = try netcat.networkOptions()
        guard let host else { throw NetcatUsageError("missing destination: HOST PORT, or -U PATH") }
        let endpoint: NetcatEndpoint
        if netcat.unixSocket {
            if scan { throw NetcatUsageError("cannot use -z and -U") }
            if !ports.isEmpty { throw NetcatUsageError("cannot use a port with -U") }
            if sourcePort != nil { throw NetcatUsageError("cannot use -p with -U") }
            endpoint = .unix(path: host)
        } else {
            guard !ports.isEmpty else { throw NetcatUsageError("missing port number") }
            var ranges: [PortRange] = []
            for text in ports {
                ranges.append(try ArgumentValues.portRange(text, transport: network.transport, numeric: network.numeric))
            }
            if !scan && (ranges.count > 1 || ranges[0].lower != ranges[0].upper) {
                throw NetcatUsageError("cannot use a port range or several ports without -z")
            }
            endpoint = .internet(host: host, ports: ranges)
        }
        if scan, let option = netcat.programOption ?? (netcat.verify ? "--verify" : nil) {
            throw NetcatUsageError("cannot use -z and \(option)")
        }
        var options = ConnectOptions(endpoint: endpoint)
        options.network = network
        options.scan = scan
        options.session = try netcat.sessionOptions()
        options.connectTimeout = netcat.connectTimeout
        options.sourceAddress = sourceAddress
        options.proxy = try proxySpec()
        if let sourcePort {
            options.sourcePort = try ArgumentValues.port(sourcePort, transport: network.transport, numeric: network.numeric)
        }
        options.tls = try tls.clientOptions(timeout: options.connectTimeout)
        if options.tls != nil {
            if scan { throw NetcatUsageError("cannot use --ssl and -z") }
            try TLSArguments.checkCompatible(network: network, unix: netcat.unixSocket, session: options.session)
        }
        return options
    }

    /// `-x`/`--proxy`, refused with the options nc refuses it with (-l -s -u -U)
    /// and those that make no sense through a proxy.
    private func proxySpec() throws(NetcatUsageError) -> ProxySpec? {
        guard let spec = try proxy.spec(), let option = proxy.firstGiven else { return nil }
        let conflicts: [(Bool, String)] = [
            (netcat.unixSocket, "-U"), (netcat.udp, "-u"), (sourceAddress != nil, "-s"), (sourcePort != nil, "-p"),
            (scan, "-z"),
        ]
        if let (_, flag) = conflicts.first(where: { $0.0 }) { throw NetcatUsageError("cannot use \(option) with \(flag)") }
        if spec.dns == .none, let host, ProxyDestination.literal(host, port: 1) == nil {
            throw NetcatUsageError("--proxy-dns none needs a numeric destination address, not \(host)")
        }
        return spec
    }
}
