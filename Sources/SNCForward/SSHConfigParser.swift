import Glibc
import SNCSocket

/// Reads ssh_config(5) files for one host, OpenSSH's way: `Host` blocks
/// whose patterns match the host name given on the command line apply, the
/// first value of a keyword wins, `Include` reads more files in place.
/// Files are read as bytes and every line is split as ssh splits it
/// (`SSHConfigLine`); like ssh, a malformed line anywhere in a file, also
/// in a block for another host, rejects the file. `Match` blocks are
/// skipped (noted for `-v`), and so are keywords snc has no use for;
/// keywords that would change where or how snc connects are recorded for
/// `HostConfiguration` to refuse (`UnsupportedKeyword`).
package struct SSHConfigParser {
    /// The name given on the command line, which `Host` patterns match.
    package let host: String
    /// Why parts of a file were ignored, for `-v`.
    package private(set) var notes: [String] = []
    private let home: String

    /// Largest config file read (ssh has no limit; 16 MiB is far beyond any real one).
    private static let fileLimit = 16 << 20

    package init(host: String, home: String) {
        self.host = host
        self.home = home
    }

    /// Applies one `-o Key=Value` (or `Key Value`), as ssh does with source "command-line".
    package mutating func apply(option text: String, to options: inout SSHOptions) throws(ConfigError) {
        let parsed: SSHConfigLine?
        do {
            parsed = try SSHConfigLine.parse(Array(text.utf8))
        } catch {
            throw ConfigError(source: "command-line", line: 0, message: error.description)
        }
        guard let parsed else { return }
        switch parsed.keyword {
        case "host", "match", "include":
            throw ConfigError(source: "command-line", line: 0, message: "\(parsed.keyword) directive not supported as a command-line option")
        default:
            try apply(parsed, to: &options, active: true, source: "command-line", line: 0, directory: home + "/.ssh", depth: 0)
        }
    }

    /// Applies a whole file. A missing file is not an error (as for ssh's
    /// default files); `required` makes it one (as for `-F`). `active`:
    /// whether the lines before the first `Host` apply (an `Include` inside
    /// a block for another host is still read, for errors, but applies nothing).
    package mutating func apply(
        file path: String, to options: inout SSHOptions, required: Bool, directory: String,
        depth: Int = 0, active startActive: Bool = true
    ) throws(ConfigError) {
        let bytes: [UInt8]
        do {
            bytes = try FileContents.read(path: path, limit: Self.fileLimit)
        } catch {
            // ssh skips a default file it cannot open, whatever the reason.
            guard required else { return }
            let reason = (error as? SyscallError).map { String(cString: strerror($0.errno.rawValue)) } ?? String(describing: error)
            throw ConfigError(source: path, line: 0, message: reason)
        }
        var active = startActive
        var lineNumber = 0
        for rawLine in TextLines.split(bytes) {
            lineNumber += 1
            let parsed: SSHConfigLine?
            do {
                parsed = try SSHConfigLine.parse(rawLine)
            } catch {
                throw ConfigError(source: path, line: lineNumber, message: error.description)
            }
            guard let parsed else { continue }
            switch parsed.keyword {
            case "host":
                if parsed.arguments.contains(where: \.isEmpty) {
                    throw ConfigError(source: path, line: lineNumber, message: "keyword host empty argument")
                }
                // Inside an Include read only for errors, no Host matches (ssh's SSHCONF_NEVERMATCH).
                active = startActive && HostPattern.match(host, patterns: parsed.arguments.map { Substring($0) }) == .matched
            case "match":
                active = false
                notes.append("\(path) line \(lineNumber): Match blocks are not supported; skipped")
            default:
                try apply(parsed, to: &options, active: active, source: path, line: lineNumber, directory: directory, depth: depth)
            }
        }
    }

    /// Checks one keyword's value (on every line, as ssh does) and stores
    /// it when the line applies to the host and no earlier value did.
    private mutating func apply(
        _ parsed: SSHConfigLine, to options: inout SSHOptions, active: Bool,
        source: String, line: Int, directory: String, depth: Int
    ) throws(ConfigError) {
        let keyword = parsed.keyword
        let arguments = parsed.arguments
        func fail(_ message: String) -> ConfigError { ConfigError(source: source, line: line, message: message) }
        guard let first = arguments.first else { throw fail("Missing argument.") }
        /// ssh's "keyword X extra arguments at end of line" for one-value keywords.
        func single() throws(ConfigError) {
            if arguments.count > 1 { throw fail("keyword \(keyword) extra arguments at end of line") }
        }
        func yesNo() throws(ConfigError) -> Bool {
            try single()
            switch first.lowercased() {
            case "yes", "true": return true
            case "no", "false": return false
            default: throw fail("Bad yes/no argument '\(first)'.")
            }
        }
        func seconds() throws(ConfigError) -> Int {
            try single()
            guard let value = Self.parseTime(first) else { throw fail("invalid time value '\(first)'.") }
            return value
        }
        if let rule = UnsupportedKeyword.rules[keyword] {
            try record(rule, parsed, to: &options, active: active, source: source, line: line)
            return
        }
        switch keyword {
        case "hostname":
            try single()
            if active, options.hostName == nil { options.hostName = first }
        case "user":
            try single()
            if active, options.user == nil { options.user = first }
        case "port":
            try single()
            guard let number = Int(first), let port = UInt16(exactly: number), port > 0 else { throw fail("Badly formatted port number '\(first)'.") }
            if active, options.port == nil { options.port = port }
        case "identityfile":
            try single()
            if active, !options.identityFiles.contains(first) { options.identityFiles.append(first) }
        case "identitiesonly":
            let value = try yesNo()
            if active, options.identitiesOnly == nil { options.identitiesOnly = value }
        case "identityagent":
            try single()
            if active, options.identityAgent == nil { options.identityAgent = first }
        case "userknownhostsfile":
            if active, options.userKnownHostsFiles == nil { options.userKnownHostsFiles = arguments }
        case "stricthostkeychecking":
            try single()
            guard let value = StrictHostKeyChecking(configValue: first) else { throw fail("unsupported option \"\(first)\".") }
            if active, options.strictHostKeyChecking == nil { options.strictHostKeyChecking = value }
        case "batchmode":
            let value = try yesNo()
            if active, options.batchMode == nil { options.batchMode = value }
        case "hashknownhosts":
            let value = try yesNo()
            if active, options.hashKnownHosts == nil { options.hashKnownHosts = value }
        case "globalknownhostsfile":
            if active, options.globalKnownHostsFiles == nil { options.globalKnownHostsFiles = arguments }
        case "hostkeyalias":
            try single()
            if active, options.hostKeyAlias == nil { options.hostKeyAlias = first }
        case "checkhostip":
            let value = try yesNo()
            if active, options.checkHostIP == nil { options.checkHostIP = value }
        case "connecttimeout":
            let value = first.lowercased() == "none" ? 0 : try seconds()
            if active, options.connectTimeout == nil { options.connectTimeout = value }
        case "serveraliveinterval":
            let value = try seconds()
            if active, options.serverAliveInterval == nil { options.serverAliveInterval = value }
        case "serveralivecountmax":
            try single()
            guard let value = Int(first), value >= 0, value <= Int(Int32.max) else { throw fail("Bad number '\(first)'.") }
            if active, options.serverAliveCountMax == nil { options.serverAliveCountMax = value }
        case "numberofpasswordprompts":
            try single()
            // misc.c atoi_err: strtonum(0, INT_MAX).
            guard let value = Int(first), value >= 0, value <= Int(Int32.max) else { throw fail("integer value invalid.") }
            if active, options.numberOfPasswordPrompts == nil { options.numberOfPasswordPrompts = value }
        case "localforward":
            guard arguments.count >= 2, !arguments[1].isEmpty else { throw fail("Missing target argument.") }
            if arguments.count > 2 { throw fail("keyword \(keyword) extra arguments at end of line") }
            let spec: ForwardSpec
            do {
                spec = try ForwardSpec(localForward: arguments[0], arguments[1])
            } catch {
                throw fail(error.description)
            }
            if active { options.localForwards.append(spec) }
        case "remoteforward":
            guard arguments.count >= 2, !arguments[1].isEmpty else { throw fail("Missing target argument.") }
            if arguments.count > 2 { throw fail("keyword \(keyword) extra arguments at end of line") }
            let spec: ForwardSpec
            do {
                spec = try ForwardSpec(localForward: arguments[0], arguments[1], kind: .remote)
            } catch {
                throw fail(error.description)
            }
            if active { options.remoteForwards.append(spec) }
        case "dynamicforward":
            try single()
            let spec: DynamicForwardSpec
            do {
                spec = try DynamicForwardSpec(argument: first)
            } catch {
                throw fail(error.description)
            }
            if active { options.dynamicForwards.append(spec) }
        case "ciphers", "macs":
            try single()
            guard active else { return }
            if first.hasPrefix("+") || first.hasPrefix("-") || first.hasPrefix("^") {
                notes.append("\(source)\(line > 0 ? " line \(line)" : ""): \(keyword) edits (+, -, ^) are not supported; libssh2's defaults kept")
            } else if keyword == "ciphers" {
                if options.ciphers == nil { options.ciphers = first }
            } else if options.macs == nil {
                options.macs = first
            }
        case "include":
            guard depth < 16 else { throw fail("Include nested too deeply.") }
            for pattern in arguments {
                if pattern.isEmpty { throw fail("keyword include empty argument") }
                var path = pattern.hasPrefix("~") ? home + pattern.dropFirst() : pattern
                if !path.hasPrefix("/") { path = directory + "/" + path }
                for file in Self.glob(path) {
                    try apply(file: file, to: &options, required: false, directory: directory, depth: depth + 1, active: active)
                }
            }
        default:
            if active { notes.append("\(source)\(line > 0 ? " line \(line)" : ""): \(keyword) is not used by snc; ignored") }
        }
    }

    /// Keeps the first value of a keyword snc cannot honour, for
    /// `HostConfiguration` to refuse unless it means "off".
    private func record(
        _ rule: UnsupportedKeyword.Rule, _ parsed: SSHConfigLine, to options: inout SSHOptions,
        active: Bool, source: String, line: Int
    ) throws(ConfigError) {
        let value = rule.raw ? parsed.rawArgument : parsed.arguments[0]
        if !rule.raw, rule.values != nil, parsed.arguments.count > 1 {
            throw ConfigError(source: source, line: line, message: "keyword \(parsed.keyword) extra arguments at end of line")
        }
        if let values = rule.values, !values.contains(value.lowercased()) {
            throw ConfigError(source: source, line: line, message: "unsupported option \"\(value)\".")
        }
        // ssh checks a ProxyJump's syntax in every block, matching or not.
        if rule.slot == "proxyjump", JumpChain.parse(value) == nil {
            throw ConfigError(source: source, line: line, message: "Invalid ProxyJump \(CommandLineNames.quoted(value))")
        }
        guard active, !options.unsupportedSettings.contains(where: { $0.slot == rule.slot }) else { return }
        // blockedBy: slot -> whether even its "off" value blocks.
        let blocked = options.unsupportedSettings.contains { setting in
            rule.blockedBy[setting.slot].map { evenOff in evenOff || !setting.isOff } ?? false
        }
        guard !blocked else { return }
        options.unsupportedSettings.append(UnsupportedSetting(
            keyword: rule.name, value: rule.raw ? value : parsed.arguments.joined(separator: " "), slot: rule.slot,
            isOff: rule.off.contains(value.lowercased()),
            source: source, line: line))
    }

    /// Splits "Keyword value..." or "Keyword=value" into a lowercased keyword and
    /// its arguments, as ssh does. Nil for blank and comment lines and for
    /// lines ssh rejects.
    package static func split(line: String) -> (String, [String])? {
        guard let parsed = try? SSHConfigLine.parse(Array(line.utf8)) else { return nil }
        return (parsed.keyword, parsed.arguments)
    }

    /// OpenSSH's time format: "90", "1m30s", "2h" (s, m, h, d, w). Nil if
    /// malformed or, as OpenSSH's convtime, longer than INT_MAX seconds.
    package static func parseTime(_ text: String) -> Int? {
        var total = 0
        var digits = ""
        for character in text.lowercased() {
            if character.isASCII && character.isNumber {
                digits.append(character)
                continue
            }
            guard let value = Int(digits) else { return nil }
            let unit: Int
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            case "w": unit = 604800
            default: return nil
            }
            guard let sum = add(total, value, times: unit) else { return nil }
            total = sum
            digits = ""
        }
        if !digits.isEmpty {
            guard let value = Int(digits), let sum = add(total, value, times: 1) else { return nil }
            total = sum
        }
        return text.isEmpty ? nil : total
    }

    /// total + value × unit, or nil past INT_MAX (where OpenSSH stops too).
    private static func add(_ total: Int, _ value: Int, times unit: Int) -> Int? {
        let (product, productOverflow) = value.multipliedReportingOverflow(by: unit)
        let (sum, sumOverflow) = total.addingReportingOverflow(product)
        guard !productOverflow, !sumOverflow, sum <= Int(Int32.max) else { return nil }
        return sum
    }

    /// Wraps glob(3): the files a pattern names, sorted; none if nothing matches.
    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }
    }
}
