import SNCSocket
import Glibc

extension Connector {
    /// `snc connect --exec/--sh-exec`: connects, hands the connection to the
    /// program and returns its status once it has ended. Throws
    /// `ProgramError` (before connecting, if the program cannot be found)
    /// or `NetcatError`.
    package func runProgram(_ program: ProgramCommand) throws -> ProgramStatus {
        let path = try ProgramLocator.locate(program.name)
        let transport = options.network.transport
        switch options.endpoint {
        case .unix(let socketPath):
            let socket = try connectUnix(path: socketPath)
            defer { if let source = options.sourceAddress, !source.hasPrefix("@") { _ = unlink(source) } }
            reporter.info("Connection to \(socketPath) succeeded!")
            return try Self.run(program, path: path, on: socket, transport: transport)
        case .internet(let host, let ranges):
            guard let port = ranges.first?.lower else { return ProgramStatus(exitCode: 0) }
            let connected = try connectDirectlyOrThroughProxy(host: host, port: port)
            return try Self.run(program, path: path, on: connected.socket, transport: transport)
        }
    }

    private static func run(_ program: ProgramCommand, path: String, on socket: consuming Socket,
                            transport: Transport) throws(ProgramError) -> ProgramStatus {
        if program.usesTerminal {
            return try ProgramSession.runOnTerminal(socket: socket, program: program, path: path, transport: transport)
        }
        let pid = try ProgramSession.startDirect(socket: socket, program: program, path: path, transport: transport)
        // The program holds the connection now; snc's copy would keep it open after the program closes it.
        _ = consume socket
        do {
            return try ProgramSpawner.wait(for: pid)
        } catch {
            throw .system(error)
        }
    }
}
