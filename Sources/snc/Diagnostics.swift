import ArgumentParser
import Glibc

/// How snc speaks on stderr: one line per message, prefixed "snc: " as nc
/// prefixes "nc: ", and the exit code that goes with a failure.
enum Diagnostics {
    /// Writes one line to stderr, unbuffered, so it is never lost on exit.
    static func say(_ message: String) {
        let line = "snc: \(message)\n"
        var bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 { offset += written } else if written == -1 && errno == EINTR { continue } else { break }
        }
    }

    /// Reports a failure and returns the ExitCode to throw: 1 for network and
    /// runtime failures (as nc exits), 64 for usage errors.
    static func failure(_ message: String, code: ExitCode = .failure) -> ExitCode {
        say(message)
        return code
    }
}

extension ExitCode {
    /// EX_USAGE from sysexits(3), what ArgumentParser uses for validation errors.
    static let usage = ExitCode(64)
}
