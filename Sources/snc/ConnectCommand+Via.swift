import ArgumentParser
import SNCForward
import SNCSocket

extension ConnectCommand {
    /// `snc connect --via [USER@]SSHHOST HOST PORT`: stdin and stdout over one
    /// direct-tcpip channel, as `ssh -W HOST:PORT SSHHOST`. Only the options
    /// that make sense for one TCP stream through a tunnel are allowed.
    func runThroughSSH(via destination: String) throws {
        let conflicts: [(Bool, String)] = [
            (scan, "-z"), (netcat.udp, "-u"), (netcat.unixSocket, "-U"), (sourceAddress != nil, "-s"),
            (sourcePort != nil, "-p"), (netcat.ipv4Only, "-4"), (netcat.ipv6Only, "-6"),
        ]
        if let (_, flag) = conflicts.first(where: { $0.0 }) {
            throw Diagnostics.failure("cannot use \(flag) with --via", code: .usage)
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
                via: destination, host: host, port: port.number, options: sshOptions,
                verbosity: netcat.verbose ? 1 : 0)
        } catch {
            throw Diagnostics.failure(error.description, code: ExitCode(error.exitCode))
        }
    }
}
