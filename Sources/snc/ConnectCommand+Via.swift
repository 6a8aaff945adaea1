import ArgumentParser
import SNCForward
import SNCSocket

extension ConnectCommand {
    /// `snc connect --via [USER@]SSHHOST HOST PORT`: stdin and stdout over one
    /// direct-tcpip channel, as `ssh -W HOST:PORT SSHHOST`. Only the options
    /// that make sense for one TCP stream through a tunnel are allowed; the
    /// relay options of the plain connect are refused rather than ignored.
    func runThroughSSH(via text: String) throws {
        let conflicts: [(Bool, String)] = [
            (scan, "-z"), (netcat.udp, "-u"), (netcat.unixSocket, "-U"), (sourceAddress != nil, "-s"),
            (sourcePort != nil, "-p"), (netcat.ipv4Only, "-4"), (netcat.ipv6Only, "-6"),
            (netcat.timeout != nil, "-w"), (netcat.quitAfter != nil, "-q"), (netcat.noInput, "-d"),
            (netcat.crlf, "-C"), (netcat.noShutdown, "--no-shutdown"), (netcat.sendOnly, "--send-only"),
            (netcat.receiveOnly, "--recv-only"), (netcat.outputLog != nil, "--output"),
            (netcat.hexDumpLog != nil, "--hex-dump"), (netcat.idleTimeout != nil, "--idle-timeout"),
            (netcat.numeric, "-n"), (keepListening, "-k"), (tls.ssl, "--ssl"),
        ]
        if let (_, flag) = conflicts.first(where: { $0.0 }) {
            throw Diagnostics.failure("cannot use \(flag) with --via", code: .usage)
        }
        let destination: ViaDestination
        switch ViaDestination.parse(text) {
        case .success(let parsed): destination = parsed
        case .failure(let error): throw Diagnostics.failure(error.description, code: .usage)
        }
        var sshPort = destination.port
        if let viaPort {
            guard let number = Port(viaPort)?.number, number != 0 else {
                throw Diagnostics.failure("invalid --via-port \(viaPort)", code: .usage)
            }
            if let sshPort, sshPort != number {
                throw Diagnostics.failure("--via-port \(number) conflicts with the port in --via \(text)", code: .usage)
            }
            sshPort = number
        }
        guard let host, ports.count == 1 else {
            throw Diagnostics.failure("--via needs HOST PORT", code: .usage)
        }
        guard let port = Port(ports[0]) else {
            throw Diagnostics.failure("invalid port \(ports[0])", code: .usage)
        }
        ProcessSetup.ignoreBrokenPipe()
        do {
            try StdioTunnel.run(
                via: destination.destination, sshPort: sshPort, host: host, port: port.number, options: sshOptions,
                verbosity: netcat.verbose ? 1 : 0)
        } catch {
            throw Diagnostics.failure(error.description, code: error.exitCode)
        }
    }
}
