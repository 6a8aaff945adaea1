/// The checks ssh makes on the host and user names given on its command
/// line before they reach `%` tokens, config matching or a server
/// (OpenSSH 9.6 `ssh_valid_hostname`/`ssh_valid_ruser`, which Debian's
/// 9.2 carries too): no shell metacharacters, no leading '-', and for host
/// names no whitespace or control characters.
enum CommandLineNames {
    static func validate(host: String) throws(ConfigError) {
        let bytes = Array(host.utf8)
        let banned = Set("'`\"$\\;&<>|(){}".utf8)
        let bad = bytes.first == UInt8(ascii: "-")
            || bytes.contains { banned.contains($0) || isSpace($0) || isControl($0) }
        if bad { throw ConfigError(source: "", line: 0, message: "hostname \(quoted(host)) contains invalid characters") }
    }

    static func validate(user: String) throws(ConfigError) {
        let bytes = Array(user.utf8)
        let banned = Set("'`\";&<>|(){}".utf8)
        var bad = bytes.first == UInt8(ascii: "-")
        for (index, byte) in bytes.enumerated() {
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            if banned.contains(byte) || (isSpace(byte) && next == UInt8(ascii: "-")) || (byte == UInt8(ascii: "\\") && next == 0) {
                bad = true
            }
        }
        if bad { throw ConfigError(source: "", line: 0, message: "remote username \(quoted(user)) contains invalid characters") }
    }

    /// For values from config files and `-o`, which ssh prints as they are.
    static func refuseControlCharacters(_ value: String, what: String) throws(ConfigError) {
        if value.utf8.contains(where: isControl) {
            throw ConfigError(source: "", line: 0, message: "\(what) \(quoted(value)) contains invalid characters")
        }
    }

    /// C isspace in the C locale.
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
    /// C iscntrl in the C locale.
    private static func isControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F }

    /// The value in double quotes, with control bytes escaped, so that a
    /// message stays one line.
    static func quoted(_ value: String) -> String {
        "\"" + escaped(value) + "\""
    }

    /// The value with control bytes, '"' and '\\' escaped.
    static func escaped(_ value: String) -> String { escaping(value, quotes: true) }

    /// A message with its control bytes escaped: one line whatever it quotes.
    static func oneLine(_ message: String) -> String { escaping(message, quotes: false) }

    private static func escaping(_ value: String, quotes: Bool) -> String {
        var result: [UInt8] = []
        for byte in value.utf8 {
            switch byte {
            case 0x0A: result += Array("\\n".utf8)
            case 0x0D: result += Array("\\r".utf8)
            case 0x09: result += Array("\\t".utf8)
            case UInt8(ascii: "\"") where quotes, UInt8(ascii: "\\") where quotes: result += [UInt8(ascii: "\\"), byte]
            case _ where isControl(byte): result += Array(("\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)).utf8)
            default: result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
