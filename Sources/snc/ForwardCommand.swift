import ArgumentParser
import SNCForward
import SNCSocket

/// `snc forward`: ssh -L on libssh2, reading OpenSSH's keys, known_hosts and config.
struct ForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Forward ports through an SSH server, like ssh -N -L, -R and -D.",
        discussion: """
            Each [BIND_ADDRESS:]PORT:HOST:HOSTPORT listens on PORT (127.0.0.1 unless a bind \
            address is given; '*' or an empty address listens on every interface) and connects \
            every accepted connection to HOST:HOSTPORT as seen from SSHHOST. Keys, known_hosts \
            and ~/.ssh/config are read as OpenSSH reads them. With no forwarding on the command \
            line, the host's LocalForward, RemoteForward and DynamicForward lines are used. \
            -R asks SSHHOST to listen on PORT (port 0: the server chooses and snc prints it) and \
            connects each connection to HOST:HOSTPORT from this side; -D serves SOCKS4, SOCKS4a \
            and SOCKS5 CONNECT on PORT. Either end of -L may be a Unix socket path \
            (-L /local.sock:HOST:HOSTPORT, -L PORT:/remote.sock). --reconnect keeps the \
            listeners through a lost session and logs in again with backoff.
            """
    )

    @Option(name: .customShort("L", allowingJoined: true), help: ArgumentHelp("Forward a local port: [BIND_ADDRESS:]PORT:HOST:HOSTPORT; either end may be a Unix socket path (repeatable).", valueName: "spec"))
    var localForwards: [String] = []

    @Option(name: .customShort("R", allowingJoined: true), help: ArgumentHelp("Forward a port of the server: [BIND_ADDRESS:]PORT:HOST:HOSTPORT (repeatable).", valueName: "spec"))
    var remoteForwards: [String] = []

    @Option(name: .customShort("D", allowingJoined: true), help: ArgumentHelp("SOCKS4/4a/5 proxy through the server on [BIND_ADDRESS:]PORT (repeatable).", valueName: "spec"))
    var dynamicForwards: [String] = []

    @Option(name: .customShort("p", allowingJoined: true), help: ArgumentHelp("Port of the SSH server.", valueName: "port"))
    var port: String?

    @Option(name: .customShort("l", allowingJoined: true), help: ArgumentHelp("User to log in as.", valueName: "login"))
    var login: String?

    @Option(name: .customShort("i", allowingJoined: true), help: ArgumentHelp("Private key file (repeatable; tried in order).", valueName: "identity"))
    var identities: [String] = []

    @Option(name: .customShort("F", allowingJoined: true), help: ArgumentHelp("ssh_config file to read instead of ~/.ssh/config ('none': no files).", valueName: "config"))
    var configFile: String?

    @Option(name: .customShort("o", allowingJoined: true), help: ArgumentHelp("ssh_config option, e.g. -o StrictHostKeyChecking=accept-new (repeatable).", valueName: "key=value"))
    var options: [String] = []

    @Option(name: .customShort("J", allowingJoined: true), help: ArgumentHelp("Reach SSHHOST through jump hosts, each logged in as 'snc forward' would: [USER@]HOST[:PORT][,...] ('none': directly).", valueName: "destination"))
    var jumpHosts: String?

    @Flag(name: .customShort("v"), help: "Print what snc does (repeat for more); never secrets.")
    var verbosity: Int

    @Flag(name: .customShort("N"), help: "Accepted for ssh habits: snc forward never runs a remote command.")
    var noCommand = false

    @Option(name: .customShort("W", allowingJoined: true), help: ArgumentHelp("Relay stdin/stdout to HOST:PORT as seen from the server, like ssh -W.", valueName: "host:port"))
    var stdioTarget: String?

    @Flag(name: .customShort("G"), help: "Print the resolved configuration (as ssh -G) and exit.")
    var printConfiguration = false

    @Option(name: .long, help: ArgumentHelp("Spread connections over N SSH sessions, each on its own thread (non-interactive logins).", valueName: "n"))
    var sessions: Int = 1

    @Flag(name: .long, help: "When the SSH session dies, keep the local listeners, hold new clients and log in again (1 s backoff doubling to 30 s); needs an agent or key.")
    var reconnect = false

    @Argument(help: ArgumentHelp("Forwards, then the SSH server.", valueName: "[spec...] [user@]sshhost"))
    var operands: [String] = []

    func validate() throws {
        guard !operands.isEmpty else { throw ValidationError("missing [USER@]SSHHOST") }
        guard (1...64).contains(sessions) else { throw ValidationError("--sessions must be between 1 and 64") }
        if let port, Port(port) == nil { throw ValidationError("Bad port '\(port)'") }
        if stdioTarget != nil && (!localForwards.isEmpty || !remoteForwards.isEmpty || !dynamicForwards.isEmpty || operands.count > 1) {
            throw ValidationError("-W cannot be combined with forwards")
        }
        if stdioTarget != nil && reconnect { throw ValidationError("--reconnect cannot be combined with -W") }
    }

    func run() throws {
        ProcessSetup.ignoreBrokenPipe()
        ProcessSetup.raiseOpenFileLimit()
        var forwards: [ForwardSpec] = []
        for text in localForwards + operands.dropLast() {
            do {
                forwards.append(try ForwardSpec(argument: text))
            } catch {
                throw Diagnostics.failure(error.description, code: .usage)
            }
        }
        var remotes: [ForwardSpec] = []
        var dynamics: [DynamicForwardSpec] = []
        do {
            for text in remoteForwards { remotes.append(try ForwardSpec(argument: text, kind: .remote)) }
            for text in dynamicForwards { dynamics.append(try DynamicForwardSpec(argument: text)) }
        } catch {
            throw Diagnostics.failure(error.description, code: .usage)
        }
        var commandLine = HostConfiguration.CommandLine(destination: operands[operands.count - 1])
        commandLine.port = port.flatMap { Port($0)?.number }
        commandLine.user = login
        commandLine.identityFiles = identities
        commandLine.configFile = configFile
        commandLine.options = options
        commandLine.forwards = forwards
        commandLine.remoteForwards = remotes
        commandLine.dynamicForwards = dynamics
        commandLine.jump = jumpHosts
        let configuration: HostConfiguration
        do {
            configuration = try HostConfiguration.resolve(commandLine)
        } catch {
            throw Diagnostics.failure(error.description, code: .usage)
        }
        if printConfiguration {
            print(configuration.dump, terminator: "")
            return
        }
        let log = ForwardLog(verbosity: verbosity, writer: Diagnostics.standardError)
        for note in configuration.notes { log.debug(note) }
        var settings = TunnelSettings()
        settings.serverAliveInterval = configuration.serverAliveInterval
        settings.serverAliveCountMax = configuration.serverAliveCountMax
        if reconnect { settings.reconnect = ReconnectPolicy() }
        let prompter = Prompter(batchMode: configuration.batchMode)
        do {
            if let stdioTarget {
                guard let (host, port) = Self.hostPort(stdioTarget) else {
                    throw Diagnostics.failure("Bad stdio forwarding specification '\(stdioTarget)'", code: .usage)
                }
                try StdioTunnel(configuration: configuration, settings: settings, prompter: prompter, log: log).run(host: host, port: port)
            } else {
                try ForwardEngine(configuration: configuration, settings: settings, sessions: sessions, prompter: prompter, log: log).run()
            }
        } catch let error as ForwardError {
            throw Diagnostics.failure(error.description, code: error.exitCode)
        }
    }

    /// "host:port" or "[v6::addr]:port".
    /// Split on the last byte ':' (a Character search would miss a ':'
    /// that a combining mark follows).
    static func hostPort(_ text: String) -> (String, UInt16)? {
        let bytes = Array(text.utf8)
        guard let colon = bytes.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        var host = bytes[..<colon]
        if host.first == UInt8(ascii: "[") && host.last == UInt8(ascii: "]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, let port = Port(String(decoding: bytes[(colon + 1)...], as: UTF8.self)) else { return nil }
        return (String(decoding: host, as: UTF8.self), port.number)
    }
}
