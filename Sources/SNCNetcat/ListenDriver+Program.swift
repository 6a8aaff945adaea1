import SNCSocket
import Glibc

extension ListenDriver {
    /// `snc listen --exec/--sh-exec`: each client gets the program. Without
    /// `-k` one client is served and the program's status is returned; with
    /// `-k` every client gets its own process (at once with a plain
    /// `--exec`, one after another with `--pty`, whose relay is snc's) and
    /// ended processes are reaped as the loop goes, so none is left a zombie.
    package func runProgram(_ program: ProgramCommand) throws -> ProgramStatus {
        let path = try ProgramLocator.locate(program.name)
        let listener = try ListeningSocket.open(options)
        announceListening(listener.address)
        let transport = options.network.transport
        if !options.keepListening {
            let client = try acceptPermitted(listener)
            // One client only: later ones are refused, as without --exec.
            _ = consume listener
            return try serve(program, path: path, client: client.takeSocket(), transport: transport, waits: true)
                ?? ProgramStatus(exitCode: 0)
        }
        var running = 0
        while true {
            // Children end while the loop waits for clients: wake up now and
            // then to collect them, so no zombie outlives its client for long.
            let ready: PollEvents
            do {
                ready = try Poll.wait(for: listener.socket.descriptor, .readable, timeoutMilliseconds: running > 0 ? 100 : -1)
            } catch {
                throw NetcatError.system(error)
            }
            running -= ProgramSpawner.reapFinished()
            guard !ready.isEmpty else { continue }
            let client = try acceptPermitted(listener)
            do {
                if try serve(program, path: path, client: client.takeSocket(), transport: transport,
                             waits: program.usesTerminal) == nil {
                    running += 1
                }
            } catch {
                // This client gets nothing (its connection closes); the next may fare better.
                reporter.warning(error.description)
            }
        }
    }

    /// Hands one client to the program: with `waits`, until it ends (its
    /// status), else returns nil once it has started.
    private func serve(_ program: ProgramCommand, path: String, client: consuming Socket, transport: Transport,
                       waits: Bool) throws(ProgramError) -> ProgramStatus? {
        if program.usesTerminal {
            return try ProgramSession.runOnTerminal(socket: client, program: program, path: path, transport: transport)
        }
        let pid = try ProgramSession.startDirect(socket: client, program: program, path: path, transport: transport)
        _ = consume client
        guard waits else { return nil }
        do {
            return try ProgramSpawner.wait(for: pid)
        } catch {
            throw .system(error)
        }
    }
}
