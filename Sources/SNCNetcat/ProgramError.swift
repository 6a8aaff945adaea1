import SNCSocket

/// Why `--exec`, `--sh-exec` or `--pty` could not start the program. The
/// exit statuses are a shell's, so scripts can tell these from a network
/// failure (1) and from the program's own status.
package enum ProgramError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No such file, or not found in PATH: status 127, as sh.
    case notFound(program: String)
    /// Found, but it cannot be run (not executable, a directory, bad format): status 126, as sh.
    case cannotRun(program: String, error: SyscallError)
    /// posix_spawn(3) or the pseudo-terminal failed for another reason (out of
    /// processes, out of ptys): status 1, a failure of snc rather than of the program.
    case system(SyscallError)

    package var description: String {
        switch self {
        case .notFound(let program): "exec \(program): No such file or directory"
        case .cannotRun(let program, let error): "exec \(program): \(error.errno.description)"
        case .system(let error): error.description
        }
    }

    /// The status snc exits with.
    package var exitStatus: Int32 {
        switch self {
        case .notFound: 127
        case .cannotRun: 126
        case .system: 1
        }
    }
}
