import Glibc

/// Everything snc needs to reach one SSH server, resolved the way ssh
/// resolves it: command line first, then the user's config (or `-F`), then
/// /etc/ssh/ssh_config, then OpenSSH's defaults.
package struct HostConfiguration: Sendable {
    /// The name as given on the command line (what `Host` lines match).
    package let host: String
    /// Where to connect: `HostName` with `%h` expanded, or the host itself.
    package let hostName: String
    package let user: String
    package let port: UInt16
    /// IdentityFile values as written (ssh -G prints them so).
    package let identityFiles: [String]
    /// Whether the identity files were configured (false: OpenSSH's defaults).
    package let identityFilesConfigured: Bool
    package let identitiesOnly: Bool
    /// UserKnownHostsFile with `~` expanded; snc writes new keys to the first.
    package let knownHostsFiles: [String]
    package let strictHostKeyChecking: StrictHostKeyChecking
    package let batchMode: Bool
    /// Seconds; 0 = no limit (ssh's "none").
    package let connectTimeout: Int
    /// Seconds between keepalives; 0 = off.
    package let serverAliveInterval: Int
    package let serverAliveCountMax: Int
    package let localForwards: [ForwardSpec]
    package let remoteForwards: [ForwardSpec]
    package let dynamicForwards: [DynamicForwardSpec]
    package let hashKnownHosts: Bool
    /// GlobalKnownHostsFile: read, never written (empty for "none").
    package let globalKnownHostsFiles: [String]
    /// HostKeyAlias: the name known_hosts lookups and writes use instead of the host.
    package let hostKeyAlias: String?
    /// CheckHostIP (OpenSSH 9.2's default is no).
    package let checkHostIP: Bool
    /// IdentityAgent, if set ("none" disables the agent).
    package let identityAgent: String?
    /// Ciphers and MACs to offer (both directions); nil = libssh2's defaults.
    package let ciphers: String?
    package let macs: String?
    /// How many times to ask for a passphrase or password (ssh's NumberOfPasswordPrompts).
    package let numberOfPasswordPrompts: Int
    /// What was skipped while reading config files, for `-v`.
    package let notes: [String]
    /// Jump hosts or a ProxyCommand; nil = a direct TCP connection.
    package let proxy: ProxySetting?
    /// `-F` as given, which every jump host's snc gets too (as ssh passes it on).
    package let configFile: String?
    /// The local account's home directory and name (for `~`, `%d`, `%u`).
    package let home: String
    package let localUser: String

    /// What the command line said, before any config file is read.
    package struct CommandLine: Sendable {
        package var destination: String
        package var port: UInt16?
        package var user: String?
        package var identityFiles: [String] = []
        /// `-F`: nil = ~/.ssh/config and /etc/ssh/ssh_config; "none" = no files.
        package var configFile: String?
        package var options: [String] = []
        package var forwards: [ForwardSpec] = []
        package var remoteForwards: [ForwardSpec] = []
        package var dynamicForwards: [DynamicForwardSpec] = []
        /// `-J`: jump hosts as written ("none" allowed), before any config.
        package var jump: String?
        /// Files to read instead of /etc/ssh/ssh_config (tests use this to stay hermetic).
        package var systemConfigFile: String = "/etc/ssh/ssh_config"

        package init(destination: String) { self.destination = destination }
    }

    /// Resolves a command line against the config files.
    package static func resolve(_ commandLine: CommandLine) throws(ConfigError) -> HostConfiguration {
        let account = LocalAccount.current
        // Split on bytes: an '@' or ']' followed by a combining mark is one
        // Swift Character, which a Character search would not find.
        var destinationUser: String?
        var hostBytes = Array(commandLine.destination.utf8)[...]
        if let at = hostBytes.lastIndex(of: UInt8(ascii: "@")) {
            destinationUser = String(decoding: hostBytes[..<at], as: UTF8.self)
            hostBytes = hostBytes[(at + 1)...]
        }
        if hostBytes.count >= 2, hostBytes.first == UInt8(ascii: "["), hostBytes.last == UInt8(ascii: "]") {
            hostBytes = hostBytes.dropFirst().dropLast()
        }
        let host = String(decoding: hostBytes, as: UTF8.self)
        guard !host.isEmpty else { throw ConfigError(source: "command-line", line: 0, message: "no host name given") }
        try CommandLineNames.validate(host: host)

        var options = SSHOptions()
        // -i files come first, in the order given, as ssh adds them while parsing its arguments.
        for file in commandLine.identityFiles where !options.identityFiles.contains(file) {
            options.identityFiles.append(file)
        }
        var parser = SSHConfigParser(host: host, home: account.home)
        for option in commandLine.options {
            try parser.apply(option: option, to: &options)
        }
        if options.user == nil { options.user = commandLine.user ?? destinationUser }
        if let user = options.user { try CommandLineNames.validate(user: user) }
        if options.port == nil { options.port = commandLine.port }
        options.localForwards.insert(contentsOf: commandLine.forwards, at: 0)
        options.remoteForwards.insert(contentsOf: commandLine.remoteForwards, at: 0)
        options.dynamicForwards.insert(contentsOf: commandLine.dynamicForwards, at: 0)

        switch commandLine.configFile {
        case "none"?:
            break
        case let file?:
            let path = file.hasPrefix("~") ? account.home + file.dropFirst() : file
            try parser.apply(file: path, to: &options, required: true, directory: account.home + "/.ssh")
        case nil:
            try parser.apply(file: account.home + "/.ssh/config", to: &options, required: false, directory: account.home + "/.ssh")
            try parser.apply(file: commandLine.systemConfigFile, to: &options, required: false, directory: "/etc/ssh")
        }

        if let refused = options.unsupportedSettings.first(where: { !$0.isOff && !UnsupportedKeyword.implemented.contains($0.slot) }) {
            throw refused.refusal
        }
        let proxy = try proxySetting(jump: commandLine.jump, settings: options.unsupportedSettings)

        let configured = !options.identityFiles.isEmpty
        let identityFiles = configured ? options.identityFiles : ["~/.ssh/id_ed25519", "~/.ssh/id_ecdsa", "~/.ssh/id_rsa"]
        let hostName = (options.hostName.map { expandHostName($0, host: host) } ?? host).lowercased()
        let batchMode = options.batchMode ?? false
        let user = options.user ?? account.name
        // A control character would let `-G` print a value as extra config
        // lines (and no server name or account has one).
        try CommandLineNames.refuseControlCharacters(hostName, what: "hostname")
        try CommandLineNames.refuseControlCharacters(user, what: "remote username")
        let knownHosts = try knownHostsFiles(
            options.userKnownHostsFiles ?? ["~/.ssh/known_hosts", "~/.ssh/known_hosts2"], keyword: "UserKnownHostsFile", home: account.home)
        let globalKnownHosts = try knownHostsFiles(
            options.globalKnownHostsFiles ?? ["/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"], keyword: "GlobalKnownHostsFile", home: account.home)
        return HostConfiguration(
            host: host,
            hostName: hostName,
            user: user,
            port: options.port ?? 22,
            identityFiles: identityFiles,
            identityFilesConfigured: configured,
            identitiesOnly: options.identitiesOnly ?? false,
            knownHostsFiles: knownHosts,
            strictHostKeyChecking: options.strictHostKeyChecking ?? .ask,
            batchMode: batchMode,
            connectTimeout: options.connectTimeout ?? 0,
            // Debian's ssh sets ServerAliveInterval 300 in batch mode unless configured.
            serverAliveInterval: options.serverAliveInterval ?? (batchMode ? 300 : 0),
            serverAliveCountMax: options.serverAliveCountMax ?? 3,
            localForwards: options.localForwards,
            remoteForwards: options.remoteForwards,
            dynamicForwards: options.dynamicForwards,
            hashKnownHosts: options.hashKnownHosts ?? false,
            globalKnownHostsFiles: globalKnownHosts,
            // ssh lowercases the alias as it lowercases host names.
            hostKeyAlias: options.hostKeyAlias?.lowercased(),
            checkHostIP: options.checkHostIP ?? false,
            identityAgent: options.identityAgent,
            ciphers: options.ciphers,
            macs: options.macs,
            numberOfPasswordPrompts: options.numberOfPasswordPrompts ?? 3,
            notes: parser.notes,
            proxy: proxy,
            configFile: commandLine.configFile,
            home: account.home,
            localUser: account.name
        )
    }

    /// The proxy in force, as ssh decides it: `-J` first (it also turns
    /// ProxyCommand off, except `-J none`), then the first of ProxyJump and
    /// ProxyCommand in the files (the parser kept only the one ssh keeps).
    private static func proxySetting(jump: String?, settings: [UnsupportedSetting]) throws(ConfigError) -> ProxySetting? {
        var candidates = settings.filter { UnsupportedKeyword.implemented.contains($0.slot) }
        if let jump {
            guard let parsed = JumpChain.parse(jump) else {
                throw ConfigError(source: "", line: 0, message: "Invalid -J argument \(CommandLineNames.quoted(jump))")
            }
            if case .hops(let hops) = parsed { return .jump(hops) }
            candidates.removeAll { $0.slot == "proxyjump" }
        }
        // `ProxyJump none` leaves a later ProxyCommand in force (ssh -G agrees).
        guard let setting = candidates.first(where: { !$0.isOff }) else { return nil }
        if setting.slot == "proxycommand" { return .command(setting.value) }
        guard case .hops(let hops)? = JumpChain.parse(setting.value) else {
            throw ConfigError(source: setting.source, line: setting.line, message: "Invalid ProxyJump \(CommandLineNames.quoted(setting.value))")
        }
        return .jump(hops)
    }

    /// UserKnownHostsFile / GlobalKnownHostsFile values with `~` expanded;
    /// "none" (alone, as ssh requires) means no files.
    private static func knownHostsFiles(_ values: [String], keyword: String, home: String) throws(ConfigError) -> [String] {
        if values.contains(where: { $0.lowercased() == "none" }) {
            guard values.count == 1 else {
                throw ConfigError(source: "command-line", line: 0, message: "Invalid \(keyword): \"none\" appears with other entries")
            }
            return []
        }
        return values.map { $0.hasPrefix("~") ? home + $0.dropFirst() : $0 }
    }

    /// HostName's `%h` (the name from the command line) and `%%`.
    private static func expandHostName(_ value: String, host: String) -> String {
        expandTokens(value, ["h": host])
    }

    /// Replaces ssh_config `%x` tokens; unknown tokens are left as written.
    /// Works on bytes, as ssh's percent_expand: a token letter followed by
    /// a combining mark is one Swift Character, and would not be found.
    static func expandTokens(_ value: String, _ tokens: [Character: String]) -> String {
        var byteTokens: [UInt8: String] = [:]
        for (letter, replacement) in tokens {
            if let ascii = letter.asciiValue { byteTokens[ascii] = replacement }
        }
        let percent = UInt8(ascii: "%")
        var result: [UInt8] = []
        var afterPercent = false
        for byte in value.utf8 {
            if afterPercent {
                if byte == percent {
                    result.append(percent)
                } else if let replacement = byteTokens[byte] {
                    result += Array(replacement.utf8)
                } else {
                    result += [percent, byte]
                }
                afterPercent = false
            } else if byte == percent {
                afterPercent = true
            } else {
                result.append(byte)
            }
        }
        if afterPercent { result.append(percent) }
        return String(decoding: result, as: UTF8.self)
    }

    /// IdentityFile paths with `~` and the tokens ssh expands there
    /// (%d home, %u local user, %h host name, %r remote user, %p port,
    /// %n name as given, %l local host name, %i uid).
    package var identityPaths: [String] {
        var hostnameBuffer = [CChar](repeating: 0, count: 256)
        gethostname(&hostnameBuffer, hostnameBuffer.count - 1)
        let localHost = String(decoding: hostnameBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let tokens: [Character: String] = [
            "d": home, "u": localUser, "h": hostName, "r": user, "p": String(port), "n": host,
            "l": localHost, "L": String(localHost.prefix { $0 != "." }), "i": String(getuid()),
        ]
        return identityFiles.map { file in
            let tilde = file.hasPrefix("~") ? home + file.dropFirst() : file
            return Self.expandTokens(tilde, tokens)
        }
    }

    /// The resolved options in `ssh -G`'s words, one per line, for the keywords snc uses.
    package var dump: String {
        var lines = [
            "host \(host)",
            "hostname \(hostName)",
            "user \(user)",
            "port \(port)",
        ]
        lines += identityFiles.map { "identityfile \($0)" }
        lines += [
            "identitiesonly \(identitiesOnly ? "yes" : "no")",
            "userknownhostsfile \(knownHostsFiles.isEmpty ? "none" : knownHostsFiles.joined(separator: " "))",
            "stricthostkeychecking \(strictHostKeyChecking.configDescription)",
            "batchmode \(batchMode ? "yes" : "no")",
            "hashknownhosts \(hashKnownHosts ? "yes" : "no")",
            "globalknownhostsfile \(globalKnownHostsFiles.isEmpty ? "none" : globalKnownHostsFiles.joined(separator: " "))",
            "checkhostip \(checkHostIP ? "yes" : "no")",
            "connecttimeout \(connectTimeout == 0 ? "none" : String(connectTimeout))",
            "serveraliveinterval \(serverAliveInterval)",
            "serveralivecountmax \(serverAliveCountMax)",
            "numberofpasswordprompts \(numberOfPasswordPrompts)",
        ]
        if let hostKeyAlias { lines.append("hostkeyalias \(hostKeyAlias)") }
        if let proxy { lines.append(proxy.dumpLine) }
        // ssh -G's order: dynamic, local, remote.
        lines += dynamicForwards.map { "dynamicforward \($0.configDescription)" }
        lines += localForwards.map { "localforward \($0.configDescription)" }
        lines += remoteForwards.map { "remoteforward \($0.configDescription)" }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The account snc runs as: name and home from the password database, as ssh takes them.
struct LocalAccount {
    let name: String
    let home: String

    static var current: LocalAccount {
        if let entry = getpwuid(getuid()) {
            let name = entry.pointee.pw_name.map { String(cString: $0) } ?? "unknown"
            let home = entry.pointee.pw_dir.map { String(cString: $0) } ?? "/"
            return LocalAccount(name: name, home: home)
        }
        return LocalAccount(name: getenv("USER").map { String(cString: $0) } ?? "unknown", home: getenv("HOME").map { String(cString: $0) } ?? "/")
    }
}
