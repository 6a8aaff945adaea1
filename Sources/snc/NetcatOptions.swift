import ArgumentParser
import SNCNetcat
import SNCSocket

/// The options `snc connect` and `snc listen` share. Short options keep
/// netcat-openbsd's meaning; ncat's extras are long options only, because
/// ncat gives some letters other meanings (-d, -i, -m, -w, -x).
struct NetcatOptions: ParsableArguments {
    // The address family: at most one of the two (checked in `networkOptions()`).
    @Flag(name: .customShort("4"), help: "Use IPv4 addresses only.") var ipv4Only = false
    @Flag(name: .customShort("6"), help: "Use IPv6 addresses only.") var ipv6Only = false

    @Flag(name: .customShort("u"), help: "Use UDP instead of TCP (with -U: a Unix datagram socket).")
    var udp = false

    @Flag(name: .customShort("U"), help: ArgumentHelp(
        "Use a Unix-domain socket; the address argument is its path.",
        discussion: "A path starting with @ names Linux's abstract namespace (no file is created)."))
    var unixSocket = false

    @Flag(name: .customShort("n"), help: "Do not look up names: numeric addresses and ports only.")
    var numeric = false

    @Flag(name: .customShort("v"), help: ArgumentHelp(
        "Report connections on stderr, in nc's words.",
        discussion: "\"Connection to HOST PORT port [tcp/SERVICE] succeeded!\", \"Listening on ADDRESS PORT\", \"Connection received on HOST PORT\"."))
    var verbose = false

    @Option(name: .customShort("w"), parsing: .unconditional, help: ArgumentHelp(
        "Give up a connection attempt after SECS seconds, and end a connection idle for SECS seconds.",
        discussion: "As nc: waiting for a client (listen) is not limited; an idle timeout ends quietly with status 0.",
        valueName: "secs"))
    var timeout: TimeSpan?

    @Option(name: .customShort("q"), parsing: .unconditional, help: ArgumentHelp(
        "After stdin ends, quit SECS seconds later (0: as soon as stdin is sent), whether or not the peer has closed.",
        discussion: "A negative value waits for the peer (the default), as Debian's nc.",
        valueName: "secs"))
    var quitAfter: QuitTimer?

    @Flag(name: .customShort("d"), help: "Do not read stdin.")
    var noInput = false

    @Flag(name: .customShort("C"), help: "Send CRLF as the line ending (each \\n from stdin not already after a \\r goes out as \\r\\n).")
    var crlf = false

    @Flag(name: .customShort("N"), help: ArgumentHelp(
        "Shut down the socket's sending side when stdin ends.",
        discussion: "snc always does this (use --no-shutdown not to); -N is accepted for nc compatibility."))
    var shutdownOnEOF = false

    @Flag(name: .customLong("no-shutdown"), help: "Keep the socket's sending side open after stdin ends (nc without -N).")
    var noShutdown = false

    @Flag(name: .customLong("send-only"), help: "Only send: discard data from the peer, and quit once stdin is sent.")
    var sendOnly = false

    @Flag(name: .customLong("recv-only"), help: "Only receive: do not read stdin.")
    var receiveOnly = false

    @Option(name: .customLong("output"), help: ArgumentHelp("Also write all data sent and received to FILE.", valueName: "file"))
    var outputLog: String?

    @Option(name: .customLong("hex-dump"), help: ArgumentHelp(
        "Also write all data sent and received to FILE as a hex dump, in ncat's format.", valueName: "file"))
    var hexDumpLog: String?

    @Option(name: .customLong("idle-timeout"), parsing: .unconditional, help: ArgumentHelp(
        "End a connection idle for SECS seconds, as a failure (status 1), as ncat's -i.", valueName: "secs"))
    var idleTimeout: TimeSpan?

    @Option(name: [.customShort("e"), .customLong("exec")], parsing: .unconditional, help: ArgumentHelp(
        "Run PROGRAM for the connection, the socket as its stdin and stdout (ncat -e).",
        discussion: "One string split on spaces, as ncat splits it (a backslash keeps the next character); a name without a slash is looked up in PATH. snc exits with the program's status.",
        valueName: "program [args]"))
    var exec: String?

    @Option(name: [.customShort("c"), .customLong("sh-exec")], parsing: .unconditional, help: ArgumentHelp(
        "Run COMMAND with /bin/sh -c for the connection, the socket as its stdin and stdout (ncat -c).",
        valueName: "command"))
    var shellExec: String?

    @Flag(name: .customLong("pty"), help: "With --exec or --sh-exec: run the program on a pseudo-terminal (stdin, stdout and stderr), for an interactive shell.")
    var pty = false

    @Flag(name: .customLong("verify"), help: ArgumentHelp(
        "Check the transfer: each direction ends with the SHA-256 of its data, compared by the receiving snc.",
        discussion: "Both ends must use --verify. A mismatch, or a stream that ends without the trailer (truncated), is reported and exits 1."))
    var verify = false

    var transport: Transport { udp ? .udp : .tcp }

    /// The durations' ranges (their form was checked when they were parsed).
    func validate() throws {
        try ArgumentValues.timeoutRule.check(timeout, option: "-w")
        try ArgumentValues.timeoutRule.check(idleTimeout, option: "--idle-timeout")
        if case .after(let span) = quitAfter { try ArgumentValues.quitTimerRule.check(span, option: "-q") }
    }

    /// -4/-6/-u/-n, checked.
    func networkOptions() throws(NetcatUsageError) -> NetworkOptions {
        if ipv4Only && ipv6Only { throw NetcatUsageError("cannot use -4 and -6") }
        var network = NetworkOptions()
        network.family = ipv4Only ? .ipv4 : ipv6Only ? .ipv6 : .any
        network.transport = transport
        network.numeric = numeric
        return network
    }

    /// How data moves once connected, checked for options that cannot go together.
    func sessionOptions() throws(NetcatUsageError) -> SessionOptions {
        if sendOnly && receiveOnly { throw NetcatUsageError("cannot use --send-only and --recv-only") }
        if sendOnly && noInput { throw NetcatUsageError("cannot use --send-only and -d") }
        if shutdownOnEOF && noShutdown { throw NetcatUsageError("cannot use -N and --no-shutdown") }
        try checkProgramAndVerify()
        var session = SessionOptions()
        session.readsInput = !noInput && !receiveOnly
        session.writesOutput = !sendOnly
        session.endsWhenInputSent = sendOnly
        session.halfCloses = !noShutdown
        session.crlf = crlf
        session.outputLog = outputLog
        session.hexDumpLog = hexDumpLog
        session.verifies = verify
        session.program = try program()
        session.quitAfterInputEnds = quitAfter?.seconds
        if let idleTimeout {
            session.idleTimeout = idleTimeout.seconds
            session.idleTimeoutFails = true
        } else if let timeout {
            session.idleTimeout = timeout.seconds
        }
        return session
    }

    /// `--exec` or `--sh-exec` (with `--pty`), or nil.
    func program() throws(NetcatUsageError) -> ProgramCommand? {
        var program: ProgramCommand?
        if let exec { program = try ProgramCommand.exec(exec) }
        if let shellExec { program = try ProgramCommand.shell(shellExec) }
        program?.usesTerminal = pty
        return program
    }

    /// The name of the program option given, for messages.
    var programOption: String? { exec != nil ? "--exec" : shellExec != nil ? "--sh-exec" : nil }

    /// `--exec` hands the socket to the program and `--verify` frames the
    /// data in a relay of its own: options that shape snc's usual relay
    /// have nothing to act on there.
    private func checkProgramAndVerify() throws(NetcatUsageError) {
        if exec != nil && shellExec != nil { throw NetcatUsageError("cannot use --exec and --sh-exec") }
        if pty && programOption == nil { throw NetcatUsageError("--pty needs --exec or --sh-exec") }
        let relayOptions: [(Bool, String)] = [
            (udp, "-u"), (crlf, "-C"), (quitAfter != nil, "-q"), (sendOnly, "--send-only"), (noShutdown, "--no-shutdown"),
            (outputLog != nil, "--output"), (hexDumpLog != nil, "--hex-dump"), (idleTimeout != nil, "--idle-timeout"),
        ]
        if let programOption {
            if verify { throw NetcatUsageError("cannot use \(programOption) and --verify") }
            let inputOptions: [(Bool, String)] = [(noInput, "-d"), (receiveOnly, "--recv-only")]
            if let clash = (relayOptions + inputOptions).first(where: \.0) {
                throw NetcatUsageError("cannot use \(programOption) and \(clash.1)")
            }
        }
        if verify, let clash = relayOptions.first(where: \.0) {
            throw NetcatUsageError("cannot use --verify and \(clash.1)")
        }
    }

    /// `-w` as a connect timeout, in seconds.
    var connectTimeout: Double? { timeout?.seconds }

    /// How `-v` lines and warnings reach stderr.
    var reporter: Reporter {
        Reporter(verbose: verbose, writeLine: Diagnostics.standardError.line)
    }
}
