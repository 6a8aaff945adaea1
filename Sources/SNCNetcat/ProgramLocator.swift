import SNCSocket
import Glibc

/// Finds the file `--exec` runs before any connection is made, so a typo
/// ends snc at once with sh's status (127) instead of after a client came.
/// A name without a slash is looked up in PATH, as execvp(3) does (ncat's
/// `-e` wants a full path; snc accepts both).
enum ProgramLocator {
    /// The path of the program to run.
    static func locate(_ program: String) throws(ProgramError) -> String {
        if program.utf8.contains(UInt8(ascii: "/")) {
            try checkRunnable(program, as: program)
            return program
        }
        let searchPath = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        var refusal: ProgramError?
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + program
            do {
                try checkRunnable(candidate, as: program)
                return candidate
            } catch {
                // A match that cannot be run is remembered, as execvp reports EACCES over ENOENT.
                if case .cannotRun = error, refusal == nil { refusal = error }
            }
        }
        throw refusal ?? .notFound(program: program)
    }

    /// A regular file this process may execute (access(2) with X_OK, stat(2)).
    private static func checkRunnable(_ path: String, as name: String) throws(ProgramError) {
        var info = stat()
        if stat(path, &info) == -1 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .notFound(program: name) }
            throw .cannotRun(program: name, error: SyscallError("stat", code: code))
        }
        if info.st_mode & S_IFMT != S_IFREG {
            throw .cannotRun(program: name, error: SyscallError("exec", code: EACCES))
        }
        if access(path, X_OK) == -1 {
            throw .cannotRun(program: name, error: SyscallError("access", code: errno))
        }
    }
}
