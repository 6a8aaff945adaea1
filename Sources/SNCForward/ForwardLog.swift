import SNCSocket

/// snc forward's stderr: warnings ("snc: ..."), ssh's multi-line banners
/// as ssh prints them, and `-v` debug lines. libssh2's own trace is a no-op
/// in distribution builds, so `-v` is snc's log of what it does. Nothing
/// secret (passwords, passphrases, keyboard-interactive answers) is ever
/// passed here.
package struct ForwardLog: Sendable {
    package let verbosity: Int
    private let writer: LineWriter

    package init(verbosity: Int, writer: LineWriter = .standardError) {
        self.verbosity = verbosity
        self.writer = writer
    }

    /// A one-line message, prefixed like every snc diagnostic.
    package func warn(_ message: String) {
        writer.write("snc: \(message)\n")
    }

    /// Lines exactly as given (ssh's warning banners), no prefix.
    package func banner(_ lines: [String]) {
        writer.write(lines.map { $0 + "\n" }.joined())
    }

    /// `-v` output: "debug1: ..." as ssh words its own.
    package func debug(_ message: @autoclosure () -> String, level: Int = 1) {
        guard verbosity >= level else { return }
        writer.write("debug\(level): \(message())\n")
    }
}
