#if canImport(Glibc)
import Glibc
#endif

/// Reads ssh_config(5) files for one host, OpenSSH's way: `Host` blocks
/// whose patterns match the host name given on the command line apply, the
/// first value of a keyword wins, `Include` reads more files in place.
/// `Match` blocks are skipped (noted for `-v`), and so are keywords snc has
/// no use for.
package struct SSHConfigParser {
    /// The name given on the command line, which `Host` patterns match.
    package let host: String
    /// Why parts of a file were ignored, for `-v`.
    package private(set) var notes: [String] = []
    private let home: String

    package init(host: String, home: String) {
        self.host = host
        self.home = home
    }

    /// Applies one `-o Key=Value` (or `Key Value`) option.
    package mutating func apply(option text: String, to options: inout SSHOptions) throws(ConfigError) {
        guard let (keyword, arguments) = Self.split(line: text) else { return }
        try apply(keyword: keyword, arguments: arguments, to: &options, source: "command-line", line: 0, directory: home + "/.ssh", depth: 0)
    }

    /// Applies a whole file. A missing file is not an error (as for ssh's
    /// default files); `required` makes it one (as for `-F`).
    package mutating func apply(file path: String, to options: inout SSHOptions, required: Bool, directory: String, depth: Int = 0) throws(ConfigError) {
        guard let text = Self.readFile(path) else {
            if required { throw ConfigError(source: path, line: 0, message: "No such file or directory") }
            return
        }
        var active = true
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            guard let (keyword, arguments) = Self.split(line: String(rawLine)) else { continue }
            switch keyword {
            case "host":
                active = HostPattern.match(host, patterns: arguments.map { Substring($0) }) == .matched
            case "match":
                active = false
                notes.append("\(path) line \(lineNumber): Match blocks are not supported; skipped")
            default:
                guard active else { continue }
                try apply(keyword: keyword, arguments: arguments, to: &options, source: path, line: lineNumber, directory: directory, depth: depth)
            }
        }
    }

    private mutating func apply(
        keyword: String, arguments: [String], to options: inout SSHOptions,
        source: String, line: Int, directory: String, depth: Int
    ) throws(ConfigError) {
        func fail(_ message: String) -> ConfigError { ConfigError(source: source, line: line, message: message) }
        guard let first = arguments.first else { throw fail("Missing argument.") }
        func yesNo() throws(ConfigError) -> Bool {
            switch first.lowercased() {
            case "yes", "true": return true
            case "no", "false": return false
            default: throw fail("Bad yes/no argument '\(first)'.")
            }
        }
        func seconds() throws(ConfigError) -> Int {
            guard let value = Self.parseTime(first) else { throw fail("invalid time value '\(first)'.") }
            return value
        }
        switch keyword {
        case "hostname":
            if options.hostName == nil { options.hostName = first }
        case "user":
            if options.user == nil { options.user = first }
        case "port":
            guard let number = Int(first), let port = UInt16(exactly: number), port > 0 else { throw fail("Badly formatted port number '\(first)'.") }
            if options.port == nil { options.port = port }
        case "identityfile":
            if !options.identityFiles.contains(first) { options.identityFiles.append(first) }
        case "identitiesonly":
            let value = try yesNo()
            if options.identitiesOnly == nil { options.identitiesOnly = value }
        case "identityagent":
            if options.identityAgent == nil { options.identityAgent = first }
        case "userknownhostsfile":
            if options.userKnownHostsFiles == nil { options.userKnownHostsFiles = arguments }
        case "stricthostkeychecking":
            guard let value = StrictHostKeyChecking(configValue: first) else { throw fail("unsupported option \"\(first)\".") }
            if options.strictHostKeyChecking == nil { options.strictHostKeyChecking = value }
        case "batchmode":
            let value = try yesNo()
            if options.batchMode == nil { options.batchMode = value }
        case "hashknownhosts":
            let value = try yesNo()
            if options.hashKnownHosts == nil { options.hashKnownHosts = value }
        case "globalknownhostsfile":
            if options.globalKnownHostsFiles == nil { options.globalKnownHostsFiles = arguments }
        case "hostkeyalias":
            if options.hostKeyAlias == nil { options.hostKeyAlias = first }
        case "checkhostip":
            let value = try yesNo()
            if options.checkHostIP == nil { options.checkHostIP = value }
        case "connecttimeout":
            let value = first.lowercased() == "none" ? 0 : try seconds()
            if options.connectTimeout == nil { options.connectTimeout = value }
        case "serveraliveinterval":
            let value = try seconds()
            if options.serverAliveInterval == nil { options.serverAliveInterval = value }
        case "serveralivecountmax":
            guard let value = Int(first), value >= 0, value <= Int(Int32.max) else { throw fail("Bad number '\(first)'.") }
            if options.serverAliveCountMax == nil { options.serverAliveCountMax = value }
        case "localforward":
            guard arguments.count == 2 else { throw fail("Missing target argument.") }
            do {
                options.localForwards.append(try ForwardSpec(localForward: arguments[0], arguments[1]))
            } catch {
                throw fail(error.description)
            }
        case "ciphers", "macs":
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
                var path = pattern.hasPrefix("~") ? home + pattern.dropFirst() : pattern
                if !path.hasPrefix("/") { path = directory + "/" + path }
                for file in Self.glob(path) {
                    try apply(file: file, to: &options, required: false, directory: directory, depth: depth + 1)
                }
            }
        default:
            notes.append("\(source)\(line > 0 ? " line \(line)" : ""): \(keyword) is not used by snc; ignored")
        }
    }

    /// Splits "Keyword value..." or "Keyword=value" into a lowercased keyword and
    /// its arguments (double quotes group words). Nil for blank and comment lines.
    package static func split(line: String) -> (String, [String])? {
        var words: [String] = []
        var current = ""
        var inQuotes = false
        var hasWord = false
        var sawEquals = false
        for character in line {
            if character == "\"" {
                inQuotes.toggle()
                hasWord = true
                continue
            }
            if !inQuotes && (character == " " || character == "\t" || character == "\r") {
                if hasWord { words.append(current); current = ""; hasWord = false }
                continue
            }
            if !inQuotes && character == "=" && !sawEquals && ((words.isEmpty && hasWord) || (words.count == 1 && !hasWord)) {
                // The first '=' may separate the keyword from its value.
                sawEquals = true
                if hasWord { words.append(current); current = ""; hasWord = false }
                continue
            }
            if !inQuotes && character == "#" && !hasWord { break }
            current.append(character)
            hasWord = true
        }
        if hasWord { words.append(current) }
        guard let keyword = words.first else { return nil }
        return (keyword.lowercased(), Array(words.dropFirst()))
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

    static func readFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > 16 << 20 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
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
