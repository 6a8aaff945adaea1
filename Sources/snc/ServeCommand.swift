import ArgumentParser
import SNCLab
import SNCSocket
import Glibc

/// `snc serve`: the lab's multithreaded server (part 1 of the lab).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the lab server: a thread per client, intro line, message, SHA-256 receipt.",
        usage: "snc serve [<options>] [<address>] <port>",
        discussion: """
            Protocol: on accept the server sends one intro line. The client sends its message \
            (any bytes) and half-closes its write side (Ctrl-D, nc -N, shutdown(SHUT_WR)); with \
            --message-end line the message ends at its first newline instead (nc without -N, a \
            client that sends a line and waits). The server answers "received N bytes sha256=HEX" \
            and closes. One log line per client goes \
            to stdout; SIGINT or SIGTERM stops accepting, lets clients finish and prints a summary.
            """
    )

    @Argument(help: ArgumentHelp("Address to listen on (default: every address, IPv6 and IPv4), then the port (0: any free port, printed).", valueName: "address> <port"))
    var words: [String] = []

    @Option(help: "Listen backlog: connections the kernel queues until accepted (capped by net.core.somaxconn).")
    var backlog: Int32 = ServeConfiguration.systemMaxBacklog

    @Option(help: ArgumentHelp("Intro line sent on accept, or @FILE to read it from a file.", valueName: "text|@file"))
    var intro: String?

    @Option(name: .customLong("max-clients"), help: "Serve at most N clients at once; the rest wait in the accept queue.")
    var maxClients: Int?

    @Option(name: .customLong("max-message"), help: ArgumentHelp("Longest message accepted (K/M/G suffixes).", valueName: "bytes"))
    var maxMessage = ByteCount(bytes: ServeConfiguration.defaultMaxMessage)

    @Option(name: .customLong("idle-timeout"), parsing: .unconditional, help: ArgumentHelp("Close a client that sends no byte for this long (0: never).", valueName: "secs"))
    var idleTimeout: TimeSpan = .seconds(30)

    @Option(name: .customLong("message-timeout"), parsing: .unconditional, help: ArgumentHelp("Close a client whose whole message has not arrived this long after it connected, however it trickles (0: never).", valueName: "secs"))
    // A constant of 60 s: the fallback is never taken.
    var messageTimeout: TimeSpan = TimeSpan(seconds: ServeConfiguration.defaultMessageTimeout) ?? .seconds(60)

    @Option(parsing: .unconditional, help: ArgumentHelp("After SIGINT/SIGTERM, wait this long for in-flight clients.", valueName: "secs"))
    var grace: TimeSpan = .seconds(10)

    @Option(name: .customLong("message-end"), help: ArgumentHelp("eof: a message ends when the client half-closes; line: at its first newline (default eof).", valueName: "eof|line"))
    var messageEnd: MessageEnd = .eof

    @Flag(name: [.short, .long], help: "No per-client log lines (the summary is still printed).")
    var quiet = false

    func validate() throws {
        guard (1...2).contains(words.count) else {
            throw ValidationError("expected [ADDRESS] PORT")
        }
        guard Self.port(words.last ?? "") != nil else {
            throw ValidationError("invalid port: \(words.last ?? "")")
        }
        guard backlog > 0 else { throw ValidationError("--backlog must be at least 1") }
        if let maxClients, maxClients < 1 { throw ValidationError("--max-clients must be at least 1") }
        try TimeSpanRule.labAllowingZero.check(idleTimeout, option: "--idle-timeout")
        try TimeSpanRule.labAllowingZero.check(messageTimeout, option: "--message-timeout")
        try TimeSpanRule.labAllowingZero.check(grace, option: "--grace")
    }

    /// 0 to 65535 or a service name; 0 asks the kernel for a free port.
    static func port(_ text: String) -> UInt16? {
        if text == "0" { return 0 }
        return Port(text)?.number
    }

    func run() throws {
        ProcessSetup.ignoreBrokenPipe()
        ProcessSetup.raiseOpenFileLimit()
        var settings = ServeConfiguration()
        settings.address = words.count == 2 ? words[0] : nil
        settings.port = Self.port(words.last ?? "0") ?? 0
        settings.backlog = backlog
        settings.maxClients = maxClients
        settings.maxMessage = maxMessage.bytes
        settings.idleTimeout = idleTimeout.isZero ? nil : idleTimeout.seconds
        settings.messageTimeout = messageTimeout.isZero ? nil : messageTimeout.seconds
        settings.quiet = quiet
        settings.grace = grace.seconds
        settings.messageEnd = messageEnd
        if let intro {
            settings.intro = ServeConfiguration.introLine(try Self.introText(intro))
        } else {
            settings.intro = Array(LabProtocol.defaultIntro(for: messageEnd).utf8)
        }

        // Block SIGINT/SIGTERM before any client thread exists, so only the accept loop sees them.
        let signals: SignalDescriptor
        do {
            signals = try SignalDescriptor(signals: [SIGINT, SIGTERM])
        } catch {
            throw Diagnostics.failure("\(error)")
        }
        let server: LabServer
        do {
            server = try LabServer(configuration: settings)
        } catch {
            throw Diagnostics.failure("\(error)")
        }
        let bound = server.boundAddress
        Console.error("Listening on \(bound.host) \(bound.port)")
        do {
            let summary = try server.run(signals: signals)
            server.printSummary(summary)
        } catch {
            throw Diagnostics.failure("\(error)")
        }
    }

    /// The intro as given, or the contents of FILE for `@FILE`.
    static func introText(_ argument: String) throws -> [UInt8] {
        guard argument.hasPrefix("@") else { return Array(argument.utf8) }
        let path = String(argument.dropFirst())
        do {
            return try FileContents.read(path: path, limit: 1 << 20)
        } catch {
            throw Diagnostics.failure("--intro \(argument): \(error)", code: .usage)
        }
    }
}
