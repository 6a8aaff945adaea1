/// The program `--exec` or `--sh-exec` runs for each connection, with the
/// socket as its stdin and stdout (or, with `--pty`, a terminal relayed to it).
package struct ProgramCommand: Sendable, Equatable {
    /// The argument vector; the first is the program (a path, or a name looked up in PATH).
    package let arguments: [String]
    /// `--pty`: run it on a pseudo-terminal, for interactive programs such as a shell.
    package var usesTerminal = false

    package init(arguments: [String], usesTerminal: Bool = false) {
        self.arguments = arguments
        self.usesTerminal = usesTerminal
    }

    /// `--exec "PROGRAM ARGS"`, split as ncat's `-e` splits it (`cmdline_split`):
    /// on spaces and tabs, a backslash taking the next character literally.
    /// No quotes, globs or variables: those need `--sh-exec`.
    package static func exec(_ line: String) throws(NetcatUsageError) -> ProgramCommand {
        var words: [String] = []
        var word: [UInt8] = []
        var inWord = false
        var escaped = false
        for byte in line.utf8 {
            if escaped {
                word.append(byte)
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
                inWord = true
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == 0x0A {
                if inWord { words.append(String(decoding: word, as: UTF8.self)) }
                word.removeAll()
                inWord = false
            } else {
                word.append(byte)
                inWord = true
            }
        }
        if escaped { throw NetcatUsageError("--exec \"\(line)\" ends with a lone backslash") }
        if inWord { words.append(String(decoding: word, as: UTF8.self)) }
        guard !words.isEmpty else { throw NetcatUsageError("--exec needs a program") }
        return ProgramCommand(arguments: words)
    }

    /// `--sh-exec COMMAND`: `/bin/sh -c COMMAND`, as ncat's `-c`.
    package static func shell(_ command: String) throws(NetcatUsageError) -> ProgramCommand {
        guard command.utf8.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else {
            throw NetcatUsageError("--sh-exec needs a command")
        }
        return ProgramCommand(arguments: ["/bin/sh", "-c", command])
    }

    /// How messages name the program: its first word.
    package var name: String { arguments.first ?? "" }
}
