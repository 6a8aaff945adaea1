/// Turns nc-style command lines into snc's subcommand syntax, so that
/// `snc -lvnp 5555` and `snc host 80` work as they do with nc.
///
/// Two steps, both done the way getopt(3) reads nc's option string:
/// 1. Short-option clusters are split (`-lvnp 5555` → `-l -v -n -p 5555`,
///    `-q0` → `-q 0`), so that an option value glued to its letter or
///    following a cluster always reaches the parser as its own argument.
/// 2. When the first argument is not a subcommand, `listen` is put in front
///    if `-l` appears among the options, `connect` otherwise.
package enum NetcatArguments {
    /// nc's short options that take no value.
    package static let flagLetters: Set<Character> = ["4", "6", "C", "d", "h", "k", "l", "N", "n", "U", "u", "v", "z"]
    /// nc's short options that take a value (getopt's "p:"), and ncat's
    /// `-e`/`-c` (netcat-openbsd has neither letter).
    package static let valueLetters: Set<Character> = ["P", "p", "q", "s", "w", "X", "x", "e", "c"]
    /// Long options of connect and listen that take a value as the next argument.
    package static let longValueOptions: Set<String> = [
        "--output", "--hex-dump", "--idle-timeout", "--max-conns", "--allow", "--deny", "--exec", "--sh-exec",
        "--proxy", "--proxy-type", "--proxy-auth", "--proxy-dns",
    ]
    /// Long options only connect and listen know, which make a command line nc-style.
    package static let longFlagOptions: Set<String> = [
        "--send-only", "--recv-only", "--broker", "--chat", "--keep-open", "--no-shutdown", "--pty", "--verify",
    ]
    /// Root-level arguments that are left to the argument parser.
    package static let rootArguments: Set<String> = ["-h", "--help", "help", "--version"]

    /// The subcommands whose arguments get nc-style cluster splitting.
    package static let netcatCommands: Set<String> = ["connect", "listen"]

    /// Rewrites `arguments` (without the program name). `subcommands` are the
    /// names the root command knows; their arguments pass through untouched,
    /// except for connect and listen, whose clusters are split.
    package static func rewrite(_ arguments: [String], subcommands: Set<String>) -> [String] {
        guard let first = arguments.first else { return arguments }
        if netcatCommands.contains(first) {
            return [first] + split(Array(arguments.dropFirst())).map(\.text)
        }
        if subcommands.contains(first) || rootArguments.contains(first) { return arguments }
        // Any other long option (--experimental-dump-help, --generate-completion-script...)
        // belongs to the root command unless connect or listen knows it.
        if first.hasPrefix("--"), !isNetcatLongOption(first) { return arguments }
        let tokens = split(arguments)
        let listens = tokens.contains { !$0.isValue && !$0.isPositional && $0.text == "-l" }
        return [listens ? "listen" : "connect"] + tokens.map(\.text)
    }

    /// One argument after splitting, and whether it is an option's value or
    /// a positional argument (neither can switch on listen mode).
    package struct Token: Equatable, Sendable {
        package let text: String
        package let isValue: Bool
        package let isPositional: Bool
    }

    /// Splits short-option clusters as getopt(3) would with nc's option string.
    /// A cluster holding a letter nc does not know is left whole, so that the
    /// parser reports it as an unknown option.
    package static func split(_ arguments: [String]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        var afterTerminator = false
        func option(_ text: String) { tokens.append(Token(text: text, isValue: false, isPositional: false)) }
        func value(_ text: String) { tokens.append(Token(text: text, isValue: true, isPositional: false)) }
        func positional(_ text: String) { tokens.append(Token(text: text, isValue: false, isPositional: true)) }

        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if afterTerminator {
                positional(argument)
            } else if argument == "--" {
                afterTerminator = true
                option(argument)
            } else if argument.hasPrefix("--") {
                option(argument)
                if longValueOptions.contains(argument), index < arguments.count {
                    value(arguments[index])
                    index += 1
                }
            } else if argument.hasPrefix("-"), argument.count > 1 {
                let letters = Array(argument.dropFirst())
                guard let expanded = expandCluster(letters) else {
                    option(argument)
                    continue
                }
                for letter in expanded.letters { option("-\(letter)") }
                if let attached = expanded.attachedValue {
                    value(attached)
                } else if expanded.wantsValue, index < arguments.count {
                    // getopt takes the next argument as the value, whatever it looks like (`-q -1`).
                    value(arguments[index])
                    index += 1
                }
            } else {
                positional(argument)
            }
        }
        return tokens
    }

    private struct Cluster {
        var letters: [Character] = []
        var attachedValue: String?
        var wantsValue = false
    }

    /// The letters of a cluster up to the first that takes a value; the rest
    /// of the cluster, if any, is that value (`-p5555`, `-q0`). Nil if a
    /// letter before that is not one of nc's.
    private static func expandCluster(_ letters: [Character]) -> Cluster? {
        var cluster = Cluster()
        for (position, letter) in letters.enumerated() {
            if flagLetters.contains(letter) {
                cluster.letters.append(letter)
            } else if valueLetters.contains(letter) {
                cluster.letters.append(letter)
                let rest = letters[(position + 1)...]
                if rest.isEmpty { cluster.wantsValue = true } else { cluster.attachedValue = String(rest) }
                return cluster
            } else {
                return nil
            }
        }
        return cluster
    }

    private static func isNetcatLongOption(_ argument: String) -> Bool {
        let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
        return longValueOptions.contains(name) || longFlagOptions.contains(name)
    }
}
