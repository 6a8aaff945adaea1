/// Where a session's messages go: nc's `-v` lines ("Listening on 0.0.0.0 5555")
/// and warnings that do not end the command. The command line supplies the
/// writer, so this module never prints or exits on its own.
package struct Reporter: Sendable {
    package let verbose: Bool
    private let writeLine: @Sendable (String) -> Void

    /// - Parameters:
    ///   - verbose: nc's `-v`: whether `info` lines are shown.
    ///   - writeLine: writes one line (without its newline) to stderr.
    package init(verbose: Bool, writeLine: @escaping @Sendable (String) -> Void) {
        self.verbose = verbose
        self.writeLine = writeLine
    }

    /// A `-v` line, printed as is (nc prints these without its name).
    package func info(_ line: @autoclosure () -> String) {
        if verbose { writeLine(line()) }
    }

    /// A problem that does not end the command, printed as "snc: ...".
    /// With `verboseOnly` it shows only under `-v`, as nc's per-address
    /// connect failures do.
    package func warning(_ message: @autoclosure () -> String, verboseOnly: Bool = false) {
        if verbose || !verboseOnly { writeLine("snc: " + message()) }
    }

    /// A reporter that says nothing, for tests.
    package static let silent = Reporter(verbose: false) { _ in }
}
