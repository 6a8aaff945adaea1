import SNCNetcat

/// The nc-style command line rewriter: NUL bytes separate the arguments
/// (argv cannot hold a NUL, so any other byte may be in an argument).
enum NetcatArgumentsHarness {
    static let subcommands: Set<String> = ["connect", "listen", "serve", "load", "forward", "help"]

    static func run(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
        let arguments = input.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let rewritten = NetcatArguments.rewrite(arguments, subcommands: subcommands)
        // Splitting clusters only ever adds a command name and splits words.
        precondition(rewritten.count >= arguments.count, "the rewriter dropped an argument")
        _ = NetcatArguments.split(arguments)
        return 0
    }
}
