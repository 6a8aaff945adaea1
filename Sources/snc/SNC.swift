import ArgumentParser
import SNCNetcat
import SNCSocket
import Glibc

@main
struct SNC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snc",
        abstract: "netcat, ssh -L and a load tester in one binary.",
        discussion: """
            nc habits work as they are: a first argument that is not a subcommand makes the command line \
            nc style, read as "snc listen ..." if -l is among the options (also in a cluster such as -lvnp) \
            and as "snc connect ..." otherwise. So "snc -lvk 5555", "snc -lvnp 5555", "snc host 80" and \
            "snc -zv host 20-25" do what nc would.
            """,
        version: "0.1.0",
        subcommands: [
            ConnectCommand.self,
            ListenCommand.self,
            ServeCommand.self,
            LoadCommand.self,
            ForwardCommand.self,
        ]
    )

    /// Parses nc-style command lines too (see `NetcatArguments`), runs the
    /// command, and turns every usage error into one line and status 64.
    static func main() async {
        ProcessSetup.ignoreBrokenPipe()
        ProcessSetup.ensureStandardDescriptorsOpen()
        // `_commandName` is the name ArgumentParser matches: the configured one or the derived one.
        let names = Set(configuration.subcommands.flatMap { [$0._commandName] + $0.configuration.aliases })
        let arguments = NetcatArguments.rewrite(Array(CommandLine.arguments.dropFirst()), subcommands: names)
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exitReporting(error, arguments: arguments, subcommands: names)
        }
    }

    /// Help and version print as usual; a parse or validation error becomes
    /// "snc: <message> (see 'snc <command> --help')" and status 64.
    private static func exitReporting(_ error: Error, arguments: [String], subcommands: Set<String>) -> Never {
        let code = exitCode(for: error)
        if error is ExitCode || code == .success || code != .validationFailure {
            exit(withError: error)
        }
        // Bytes, not Characters: a value with "\r\n" in the message is one Character.
        let firstLine = TextLines.strings(Array(message(for: error).utf8)).first ?? "invalid arguments"
        let command = arguments.first.flatMap { subcommands.contains($0) ? "snc \($0)" : nil } ?? "snc"
        Diagnostics.say("\(lowercasingFirst(firstLine)) (see '\(command) --help')")
        exit(withError: ExitCode.usage)
    }

    private static func lowercasingFirst(_ text: String) -> String {
        guard let first = text.first, first.isUppercase, text.dropFirst().first?.isLowercase ?? true else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
