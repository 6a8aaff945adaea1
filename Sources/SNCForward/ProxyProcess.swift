import SNCSocket
import Glibc

/// A child process that carries the SSH connection on its stdin and stdout
/// (`ProxyCommand`, or the snc that reaches a jump host, as ssh runs
/// `ssh -W` for each hop): one end of a socketpair is the child's stdin and
/// stdout, the other end is the SSH session's socket.
///
/// The process object owns the child: it reaps it once, waiting a bounded
/// time and then signalling, so no zombie and no orphan outlives snc.
package final class ProxyProcess {
    let pid: pid_t
    /// What to call the child in messages ("ProxyCommand", "jump host bastion").
    let name: String
    private var status: CInt?

    private init(pid: pid_t, name: String) {
        self.pid = pid
        self.name = name
    }

    /// Starts `arguments` (arguments[0] is a path) with stdin and stdout on
    /// one end of a new socketpair; returns the other end, non-blocking,
    /// with the process.
    static func start(_ arguments: [String], name: String) throws(SyscallError) -> TCPConnection {
        var ends: [CInt] = [-1, -1]
        let made = Glibc.socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0, &ends)
        if made != 0 { throw SyscallError("socketpair", code: errno) }
        let ours = Socket(adopting: ends[0])
        let theirs = Socket(adopting: ends[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the copies; every other snc descriptor
        // is close-on-exec, so the child gets only these two and stderr.
        posix_spawn_file_actions_adddup2(&actions, theirs.descriptor, STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, theirs.descriptor, STDOUT_FILENO)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // snc ignores SIGPIPE; the command should see the default, as under ssh.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = withCStrings(arguments) { argv in
            posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        }
        if spawned != 0 { throw SyscallError("posix_spawn", code: spawned) }
        _ = consume theirs
        do {
            try ours.setNonBlocking(true)
        } catch {
            let process = ProxyProcess(pid: pid, name: name)
            process.terminate()
            throw error
        }
        return TCPConnection(socket: ours, peer: nil, proxy: ProxyProcess(pid: pid, name: name))
    }

    /// "exited with status 3", "killed by signal 9"; nil while it runs after
    /// waiting up to `milliseconds` for it to end.
    func exitDescription(waitingMilliseconds milliseconds: Int) -> String? {
        guard let status = waitForExit(milliseconds: milliseconds) else { return nil }
        // WIFEXITED / WEXITSTATUS / WTERMSIG spelled out: Glibc's macros do not import.
        if status & 0x7f == 0 { return "exited with status \((status >> 8) & 0xff)" }
        return "killed by signal \(status & 0x7f)"
    }

    /// Reaps the child: it normally ends by itself once its socket is shut
    /// down; if not within a second, SIGTERM (ssh sends SIGHUP), then SIGKILL.
    func terminate() {
        if waitForExit(milliseconds: 1000) != nil { return }
        _ = kill(pid, SIGTERM)
        if waitForExit(milliseconds: 1000) != nil { return }
        _ = kill(pid, SIGKILL)
        _ = waitForExit(milliseconds: 5000)
    }

    private func waitForExit(milliseconds: Int) -> CInt? {
        if let status { return status }
        let deadline = Deadline(milliseconds: milliseconds)
        while true {
            var raw: CInt = 0
            let result = waitpid(pid, &raw, WNOHANG)
            if result == pid { status = raw; return raw }
            if result == -1 && errno == EINTR { continue }
            // ECHILD: someone else reaped it; nothing more to learn.
            if result == -1 { status = 0; return 0 }
            if deadline.hasPassed { return nil }
            usleep(10_000)
        }
    }

    deinit {
        terminate()
    }
}

/// Calls `body` with a NULL-terminated C array of the strings, valid during the call.
private func withCStrings<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result) -> Result {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
    defer { for copy in copies { free(copy) } }
    return copies.withUnsafeBufferPointer { buffer in
        // Never nil: the array holds at least the terminating nil.
        guard let base = buffer.baseAddress else { preconditionFailure("empty argument array") }
        return body(base)
    }
}
