import ArgumentParser
import SNCSocket

/// How snc speaks on stderr: one line per message, prefixed "snc: " as nc
/// prefixes "nc: ", and the exit code that goes with a failure.
enum Diagnostics {
    /// The writer every command and feature is given for stderr.
    static let standardError = LineWriter.standardError

    /// Writes one "snc: ..." line to stderr.
    static func say(_ message: String) {
        standardError.line("snc: \(message)")
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
