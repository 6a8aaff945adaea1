import Glibc

/// snc forward's stderr: warnings ("snc: ..."), ssh's multi-line banners
/// as ssh prints them, and `-v` debug lines. libssh2's own trace is a no-op
/// in distribution builds, so `-v` is snc's log of what it does. Nothing
/// secret (passwords, passphrases, keyboard-interactive answers) is ever
/// passed here.
package struct ForwardLog: Sendable {
    package let verbosity: Int

    package init(verbosity: Int) {
        self.verbosity = verbosity
    }

    /// A one-line message, prefixed like every snc diagnostic.
    package func warn(_ message: String) {
        Self.write("snc: \(message)\n")
    }

    /// Lines exactly as given (ssh's warning banners), no prefix.
    package func banner(_ lines: [String]) {
        Self.write(lines.map { $0 + "\n" }.joined())
    }

    /// `-v` output: "debug1: ..." as ssh words its own.
    package func debug(_ message: @autoclosure () -> String, level: Int = 1) {
        guard verbosity >= level else { return }
        Self.write("debug\(level): \(message())\n")
    }

    /// Writes all of `text` to stderr, unbuffered, so it is never lost on exit.
    static func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let start = offset
            let written = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress.map { $0 + start }, $0.count - start) }
            if written > 0 { offset += written } else if written == -1 && errno == EINTR { continue } else { break }
        }
    }
}
