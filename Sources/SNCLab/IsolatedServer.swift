import SNCSocket
import Glibc

/// The lab server of an `--isolated` run: its own process inside the run's
/// network namespace, in its own process group (Ctrl-C reaches `snc load`,
/// which then stops the server), with its stdout and stderr in a log file.
package final class IsolatedServer {
    /// The port the server listens on. Nothing else listens in a namespace
    /// this process has just created, and the port lies below the ephemeral
    /// range, so the clients' own ports never collide with it.
    package static let port: UInt16 = 5555

    /// What the server is, for the report: "snc serve" or the user's command.
    package let description: String
    package let pid: pid_t
    /// The server's stdout and stderr.
    package let logPath: String
    /// How the server ended, once it has been reaped: its PID is not to be signalled after that.
    private var ended: String?

    private init(description: String, pid: pid_t, logPath: String) {
        self.description = description
        self.pid = pid
        self.logPath = logPath
    }

    /// Starts `snc serve` (this binary) on 127.0.0.1, or `command` through
    /// `/bin/sh -c` with `{port}` replaced by the port.
    package static func start(command: String?, serveArguments: [String]) throws(SyscallError) -> IsolatedServer {
        var template = Array("/tmp/snc-isolated-server-XXXXXX.log".utf8CString)
        let logDescriptor = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemps($0, 4) } ?? -1 }
        guard logDescriptor >= 0 else { throw SyscallError("mkstemps", code: errno) }
        defer { _ = close(logDescriptor) }
        let logPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)

        let program: String
        let arguments: [String]
        let description: String
        if let command {
            program = "/bin/sh"
            // The shell leads the server's process group; stop() signals the whole group, so a
            // server the shell started as its child (cd dir && python3 ...) stops too.
            let line = command.replacing("{port}", with: String(port))
            arguments = ["sh", "-c", line]
            description = line
        } else {
            program = "/proc/self/exe"
            arguments = ["snc", "serve", "--quiet"] + serveArguments + ["127.0.0.1", String(port)]
            description = "snc serve"
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, logDescriptor, STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, logDescriptor, STDERR_FILENO)

        // This process blocks SIGINT/SIGTERM for its signalfd and ignores
        // SIGPIPE; the server gets the defaults and an empty mask, so SIGTERM stops it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        var pid: pid_t = 0
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        let status = posix_spawn(&pid, program, &actions, &attributes, &pointers, environ)
        guard status == 0 else { throw SyscallError("posix_spawn \(program)", code: status) }
        return IsolatedServer(description: description, pid: pid, logPath: logPath)
    }

    /// Waits until a socket listens on the port (read from /proc/net/tcp and
    /// tcp6, which show this namespace's sockets only, so no probe connection
    /// reaches the server), for at most `seconds`. Returns nil when it listens,
    /// or why it does not.
    package func waitUntilListening(seconds: Double) -> String? {
        let deadline = MonotonicClock.deadline(after: MonotonicClock.nanoseconds(seconds: seconds))
        while MonotonicClock.now() < deadline {
            if let status = exitStatus() { return "the server (\(description)) exited (\(status)) before listening on port \(Self.port)" }
            if Self.isListening() { return nil }
            usleep(20_000)
        }
        return "the server (\(description)) did not listen on port \(Self.port) within \(Seconds.format(seconds)) s"
    }

    /// "status N" or "signal N" if the server has exited (and is reaped), nil while it runs.
    package func exitStatus() -> String? {
        if let ended { return ended }
        var status: CInt = 0
        var result: pid_t
        repeat { result = waitpid(pid, &status, WNOHANG) } while result == -1 && errno == EINTR
        guard result == pid else { return nil }
        // WIFEXITED / WEXITSTATUS / WTERMSIG spelled out: Glibc's macros do not import.
        ended = status & 0x7f == 0 ? "status \((status >> 8) & 0xff)" : "signal \(status & 0x7f)"
        return ended
    }

    /// Stops the server's process group (its PID is the group's ID): SIGTERM,
    /// up to `seconds` for the server to exit, then SIGKILL.
    /// Returns how it ended if it had already exited on its own, else nil.
    package func stop(seconds: Double) -> String? {
        if let early = exitStatus() { return early }
        kill(-pid, SIGTERM)
        let deadline = MonotonicClock.deadline(after: MonotonicClock.nanoseconds(seconds: seconds))
        while MonotonicClock.now() < deadline {
            if exitStatus() != nil {
                // What the shell started may still be running after the shell left.
                kill(-pid, SIGKILL)
                return nil
            }
            usleep(10_000)
        }
        kill(-pid, SIGKILL)
        var status: CInt = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        ended = "signal \(SIGKILL)"
        return nil
    }

    /// Removes the log (a run that went well needs no server log).
    package func removeLog() { unlink(logPath) }

    /// True if /proc/net/tcp or tcp6 lists a listening socket (state 0A) on the port.
    static func isListening() -> Bool {
        let hex = String(port, radix: 16, uppercase: true)
        let portSuffix = Array((":" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex).utf8)
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            for line in TextLines.strings(ofFile: table) ?? [] {
                // "  0: 0100007F:15B3 00000000:0000 0A ...": local address, remote address, state.
                let fields = Array(line.utf8).split(separator: UInt8(ascii: " "))
                if fields.count > 3, fields[1].suffix(portSuffix.count).elementsEqual(portSuffix), fields[3].elementsEqual("0A".utf8) { return true }
            }
        }
        return false
    }
}
