import ArgumentParser
import SNCSocket

@main
struct SNC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snc",
        abstract: "netcat, ssh -L and a load tester in one binary.",
        version: "0.1.0",
        subcommands: [ServeCommand.self, LoadCommand.self, ForwardCommand.self]
    )
}
