import SNCSocket
import Glibc

/// The lab commands' stdout and stderr, through the shared `LineWriter`.
package enum Console {
    package static func output(_ line: String) { LineWriter.standardOutput.line(line) }
    package static func error(_ line: String) { LineWriter.standardError.line(line) }

    /// Writes text as is (no newline added), e.g. a progress line ending in "\r".
    package static func write(_ descriptor: CInt, _ text: String) {
        LineWriter(descriptor: descriptor).write(text)
    }

    /// Whether stderr is a terminal (`isatty(3)`), for the live progress line.
    package static var errorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
