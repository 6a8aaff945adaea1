import SNCSocket
import Glibc

/// One connection handed to the program of `--exec`/`--sh-exec`.
enum ProgramSession {
    /// Starts the program with the socket itself as its stdin and stdout
    /// and returns at once; the caller closes its own copy of the socket,
    /// so the program alone decides when the connection ends.
    static func startDirect(socket: borrowing Socket, program: ProgramCommand, path: String,
                            transport: Transport) throws(ProgramError) -> pid_t {
        do {
            // O_NONBLOCK belongs to the open file, shared with the program's
            // copies: programs such as cat expect blocking reads.
            try socket.setNonBlocking(false)
        } catch {
            throw .system(error)
        }
        return try ProgramSpawner.spawn(path: path, command: program, environment: environment(socket, transport),
                                        streams: .socket(socket.descriptor))
    }

    /// Runs the program on a new pseudo-terminal, relays between it and the
    /// socket until the program's side ends (or the connection fails), and
    /// waits for the program.
    static func runOnTerminal(socket: borrowing Socket, program: ProgramCommand, path: String,
                              transport: Transport) throws(ProgramError) -> ProgramStatus {
        let pid: pid_t
        let programEnded: Bool
        do {
            do {
                try socket.setNonBlocking(true)
            } catch {
                throw ProgramError.system(error)
            }
            let terminal: PseudoTerminal
            do {
                terminal = try PseudoTerminal()
            } catch {
                throw ProgramError.system(error)
            }
            pid = try ProgramSpawner.spawn(path: path, command: program, environment: environment(socket, transport),
                                           streams: .terminal(path: terminal.slavePath))
            programEnded = relay(socket: socket, terminal: terminal)
            // The terminal closes here: a program still running gets SIGHUP.
        }
        if programEnded { return (try? ProgramSpawner.wait(for: pid)) ?? ProgramStatus(exitCode: 1) }
        return waitAfterHangup(pid)
    }

    /// True if it ended because the program closed its terminal (it has
    /// exited, or handed the terminal to nobody), false if the connection failed.
    private static func relay(socket: borrowing Socket, terminal: borrowing PseudoTerminal) -> Bool {
        let descriptor = socket.descriptor
        let toProgram = CopyingDirection(source: descriptor, sink: terminal.master, sourceName: "the network",
                                         sinkName: "the terminal", framing: TerminalInputFraming(master: terminal.master))
        let fromProgram = CopyingDirection(source: terminal.master, sink: descriptor, sourceName: "the terminal",
                                           sinkName: "the network", framing: PlainFraming(), sourceIsTerminal: true)
        var relay = CopyingRelay(outbound: toProgram, inbound: fromProgram)
        // The program's output has ended: the peer sees end of file.
        relay.onInboundFinished = { _ = shutdown(descriptor, CInt(SHUT_WR)) }
        // The session is the program's: it ends when the program's side of
        // the terminal is closed, or when the connection fails under it.
        _ = try? relay.run {
            fromProgram.isFinished || toProgram.readFailure != nil || fromProgram.writeFailure != nil
        }
        return fromProgram.isFinished && fromProgram.writeFailure == nil
    }

    /// waitpid(2) for a program whose connection failed and whose terminal
    /// was just closed under it: it exits on the SIGHUP; one that ignores
    /// SIGHUP is killed after two seconds rather than holding snc forever.
    private static func waitAfterHangup(_ pid: pid_t) -> ProgramStatus {
        var status: CInt = 0
        for _ in 0..<200 {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return ProgramStatus(WaitStatus(rawValue: status)) }
            if result == -1 && errno != EINTR { return ProgramStatus(exitCode: 1) }
            usleep(10_000)
        }
        _ = kill(pid, SIGKILL)
        return (try? ProgramSpawner.wait(for: pid)) ?? ProgramStatus(exitCode: 1)
    }

    private static func environment(_ socket: borrowing Socket, _ transport: Transport) -> [String] {
        let variables = ProgramEnvironment.variables(local: try? socket.localAddress(), remote: try? socket.peerAddress(),
                                                     transport: transport)
        return ProgramEnvironment.merged(with: variables)
    }
}
