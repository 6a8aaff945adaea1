import SNCSSH
import SNCSocket

/// `ssh -W host:port` (and what `snc connect --via` runs): stdin and stdout
/// through one direct-tcpip channel, until both directions have ended.
package struct StdioTunnel {
    package let configuration: HostConfiguration
    package let settings: TunnelSettings
    package let prompter: Prompter
    package let log: ForwardLog

    package init(configuration: HostConfiguration, settings: TunnelSettings, prompter: Prompter, log: ForwardLog) {
        self.configuration = configuration
        self.settings = settings
        self.prompter = prompter
        self.log = log
    }

    /// Connects, logs in and relays stdin/stdout to `host`:`port` as the server sees it.
    package func run(host: String, port: UInt16) throws(ForwardError) {
        var connector = SSHConnector(configuration: configuration, prompter: prompter, log: log)
        connector.allowsUntrustedHostKey = true
        let first = try connector.connect()
        let worker = try TunnelWorker(
            link: first.link, settings: settings, log: log, hostName: configuration.hostName, listeners: [], stop: StopSignal())
        // stdin and stdout keep their blocking mode: O_NONBLOCK belongs to
        // the open file description, which the shell and the processes at the
        // pipe's other end share, and one that snc changed would make their
        // reads and writes fail with EAGAIN (the netcat relay's rule too).
        try worker.runStandardIO(host: host, port: port)
    }
}

extension StdioTunnel {
    /// The whole of `snc connect --via [USER@]SSHHOST HOST PORT`: resolves the
    /// SSH host through ~/.ssh/config (and `-o` style `options`), verifies
    /// its host key, logs in, and relays stdin/stdout to HOST:PORT as the
    /// server sees it, until both directions end.
    package static func run(
        via destination: String, sshPort: UInt16? = nil, host: String, port: UInt16, options: [String] = [],
        verbosity: Int = 0
    ) throws(ForwardError) {
        let configuration: HostConfiguration
        do {
            var commandLine = HostConfiguration.CommandLine(destination: destination)
            commandLine.options = options
            // As ssh -p: the command line's port wins over the config file's.
            commandLine.port = sshPort
            configuration = try HostConfiguration.resolve(commandLine)
        } catch {
            throw .usage(error.description)
        }
        var settings = TunnelSettings()
        settings.serverAliveInterval = configuration.serverAliveInterval
        settings.serverAliveCountMax = configuration.serverAliveCountMax
        let tunnel = StdioTunnel(
            configuration: configuration, settings: settings,
            prompter: Prompter(batchMode: configuration.batchMode), log: ForwardLog(verbosity: verbosity))
        try tunnel.run(host: host, port: port)
    }
}
