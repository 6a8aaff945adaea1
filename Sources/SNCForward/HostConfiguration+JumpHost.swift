extension HostConfiguration {
    /// The configuration of the jump host `hop`, resolved as ssh resolves
    /// the `ssh -l USER -p PORT -J EARLIER -F FILE -W '[%h]:%p' HOP` it runs
    /// for ProxyJump (ssh.c): the hop's own config block, user, port, keys
    /// and known_hosts; `-l`/`-p` only where the hop names them; the hops
    /// before it as its own `-J`; the same `-F`; no `-o` options.
    package func jumpHost(_ hop: JumpHost, reachedThrough earlier: ArraySlice<JumpHost>) throws(ConfigError) -> HostConfiguration {
        var commandLine = CommandLine(destination: hop.host)
        commandLine.user = hop.user
        commandLine.port = hop.port
        commandLine.configFile = configFile
        if !earlier.isEmpty { commandLine.jump = earlier.map(\.written).joined(separator: ",") }
        return try HostConfiguration.resolve(commandLine)
    }
}
