import SNCSocket
import Glibc

/// Starts the program of `--exec`/`--sh-exec` with posix_spawn(3): no shell
/// (unless `--sh-exec` asked for one), no fork of snc's memory.
enum ProgramSpawner {
    /// What the child's standard descriptors are.
    enum Streams {
        /// The connected socket itself as stdin and stdout (stderr stays
        /// snc's): the program reads and writes the network with no copy in
        /// between, as ncat's `-e` does.
        case socket(CInt)
        /// The slave side of a pseudo-terminal, opened by the child after
        /// setsid(2) so that it becomes its controlling terminal; stdin,
        /// stdout and stderr all go there, as in a terminal session.
        case terminal(path: String)
    }

    /// Signals whose disposition snc changes (SIGPIPE is ignored at start,
    /// SIGCHLD may be): the program gets the defaults back, as any program
    /// started from a shell expects.
    private static let restoredSignals = [SIGPIPE, SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    /// Wraps `posix_spawn(3)`; returns the child's pid.
    static func spawn(path: String, command: ProgramCommand, environment: [String], streams: Streams) throws(ProgramError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        guard posix_spawn_file_actions_init(&actions) == 0 else { throw .system(SyscallError("posix_spawn_file_actions_init", code: ENOMEM)) }
        defer { posix_spawn_file_actions_destroy(&actions) }
        guard posix_spawnattr_init(&attributes) == 0 else { throw .system(SyscallError("posix_spawnattr_init", code: ENOMEM)) }
        defer { posix_spawnattr_destroy(&attributes) }

        var flags = Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        var status: CInt
        switch streams {
        case .socket(let descriptor):
            // dup2 clears close-on-exec on the copies; the original stays close-on-exec.
            status = posix_spawn_file_actions_adddup2(&actions, descriptor, STDIN_FILENO)
            if status == 0 { status = posix_spawn_file_actions_adddup2(&actions, descriptor, STDOUT_FILENO) }
        case .terminal(let path):
            flags |= SpawnFlags.newSession
            status = posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, path, O_RDWR, 0)
            if status == 0 { status = posix_spawn_file_actions_adddup2(&actions, STDIN_FILENO, STDOUT_FILENO) }
            if status == 0 { status = posix_spawn_file_actions_adddup2(&actions, STDIN_FILENO, STDERR_FILENO) }
        }
        if status != 0 { throw .system(SyscallError("posix_spawn_file_actions", code: status)) }

        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in restoredSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // signalfd(2) blocks SIGCHLD in snc; a blocked mask would be inherited.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, flags)

        let argv = command.arguments.map { strdup($0) }
        let envp = environment.map { strdup($0) }
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        // posix_spawn returns the error instead of setting errno; glibc's
        // clone(CLONE_VFORK) reports a failed exec here too.
        let result = (argv + [nil]).withUnsafeBufferPointer { arguments in
            (envp + [nil]).withUnsafeBufferPointer { variables in
                guard let arguments = arguments.baseAddress, let variables = variables.baseAddress else { return EINVAL }
                return posix_spawn(&pid, path, &actions, &attributes, arguments, variables)
            }
        }
        switch result {
        case 0: return pid
        case ENOENT, ENOTDIR: throw .notFound(program: command.name)
        case EACCES, ENOEXEC, EISDIR, EPERM, ETXTBSY: throw .cannotRun(program: command.name, error: SyscallError("exec", code: result))
        default: throw .system(SyscallError("posix_spawn", code: result))
        }
    }

    /// Wraps `waitpid(2)` (EINTR retried): blocks until `pid` ends.
    static func wait(for pid: pid_t) throws(SyscallError) -> ProgramStatus {
        var status: CInt = 0
        _ = try retrying("waitpid") { waitpid(pid, &status, 0) }
        return ProgramStatus(WaitStatus(rawValue: status))
    }

    /// Collects every child that has ended, without blocking (`waitpid(-1, WNOHANG)`),
    /// so that `-k` leaves no zombie behind; returns how many.
    @discardableResult
    static func reapFinished() -> Int {
        var count = 0
        var status: CInt = 0
        while true {
            let pid = waitpid(-1, &status, WNOHANG)
            if pid > 0 { count += 1; continue }
            if pid == -1 && errno == EINTR { continue }
            return count
        }
    }
}
