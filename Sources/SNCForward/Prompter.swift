import Glibc
import SNCSocket

/// Asks the user for passphrases, passwords and host key confirmations the
/// way OpenSSH's read_passphrase does: on /dev/tty with echo off, or
/// through the program in SSH_ASKPASS when there is no terminal (with
/// DISPLAY set) or when SSH_ASKPASS_REQUIRE=force says so. BatchMode never
/// asks. Answers are returned to the caller and never logged.
package struct Prompter: Sendable {
    package let batchMode: Bool
    private let environment: [String: String]

    package init(batchMode: Bool, environment: [String: String] = Prompter.processEnvironment()) {
        self.batchMode = batchMode
        self.environment = environment
    }

    /// A secret (echo off). `allowStdin`: like ssh's passphrase prompts, a
    /// non-terminal stdin also sends the question to askpass.
    package func secret(_ prompt: String, allowStdin: Bool = true) -> String? {
        ask(prompt, echo: false, allowStdin: allowStdin)
    }

    /// A visible question (host key confirmation, echoed keyboard-interactive prompts).
    package func question(_ prompt: String) -> String? {
        ask(prompt, echo: true, allowStdin: false)
    }

    private func ask(_ prompt: String, echo: Bool, allowStdin: Bool) -> String? {
        if batchMode { return nil }
        var allowAskpass = !(environment["DISPLAY"] ?? "").isEmpty
        var useAskpass = false
        switch environment["SSH_ASKPASS_REQUIRE"]?.lowercased() {
        case "force"?: useAskpass = true; allowAskpass = true
        case "prefer"?: useAskpass = allowAskpass
        case "never"?: allowAskpass = false
        default: break
        }
        var terminal: CInt = -1
        if !useAskpass {
            if allowStdin && isatty(STDIN_FILENO) == 0 {
                useAskpass = true
            } else {
                terminal = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
                if terminal < 0 { useAskpass = true }
            }
        }
        if useAskpass && allowAskpass {
            if terminal >= 0 { close(terminal) }
            return askpass(prompt)
        }
        if terminal < 0 {
            terminal = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
            if terminal < 0 { return nil }
        }
        defer { close(terminal) }
        return readTerminal(terminal, prompt: prompt, echo: echo)
    }

    /// Writes the prompt to the terminal and reads one line, with echo off
    /// unless `echo`; the terminal's settings are restored afterwards.
    private func readTerminal(_ terminal: CInt, prompt: String, echo: Bool) -> String? {
        var saved = termios()
        let haveSettings = tcgetattr(terminal, &saved) == 0
        var previousHandlers: [(CInt, __sighandler_t?)] = []
        if haveSettings && !echo {
            // A signal while echo is off must not leave the terminal silent:
            // the handler restores it, then dies of the signal as before.
            TerminalGuard.terminal = terminal
            TerminalGuard.saved = saved
            for number in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP] {
                previousHandlers.append((number, signal(number, TerminalGuard.restoreAndReraise)))
            }
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO | ECHONL)
            quiet.c_lflag |= tcflag_t(ICANON)
            TerminalGuard.quiet = quiet
            _ = tcsetattr(terminal, TCSAFLUSH, &quiet)
        }
        // The prompt comes after echo is off (as readpassphrase(3) does): an
        // answer typed on seeing the prompt is never flushed or echoed.
        writeAll(terminal, Array(prompt.utf8))
        defer {
            if haveSettings && !echo {
                _ = tcsetattr(terminal, TCSAFLUSH, &saved)
                for (number, handler) in previousHandlers { _ = signal(number, handler) }
                TerminalGuard.terminal = -1
                writeAll(terminal, [10])
            }
        }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(terminal, &byte, 1)
            if count == 1 {
                if byte == 10 || byte == 13 { return String(decoding: line, as: UTF8.self) }
                line.append(byte)
                continue
            }
            if count == -1 && errno == EINTR { continue }
            // EOF before a newline: ssh treats an interrupted prompt as no answer.
            return line.isEmpty ? nil : String(decoding: line, as: UTF8.self)
        }
    }

    /// Runs SSH_ASKPASS (or ssh's default program) with the prompt as its
    /// argument and reads the answer from its stdout; nil if it fails.
    private func askpass(_ prompt: String) -> String? {
        let program = environment["SSH_ASKPASS"] ?? "/usr/bin/ssh-askpass"
        var ends: [CInt] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        let readEnd = ends[0]
        let writeEnd = ends[1]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, writeEnd, STDOUT_FILENO)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        let arguments = [program, prompt]
        let environmentList = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings(arguments) { argv in
            withCStrings(environmentList) { envp in
                posix_spawn(&pid, program, &actions, nil, argv, envp)
            }
        }
        close(writeEnd)
        defer { close(readEnd) }
        guard status == 0 else { return nil }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while output.count < 65536 {
            let count = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count > 0 { output += chunk[0..<count]; continue }
            if count == -1 && errno == EINTR { continue }
            break
        }
        var exitStatus: CInt = 0
        while waitpid(pid, &exitStatus, 0) == -1 && errno == EINTR {}
        // WIFEXITED && WEXITSTATUS == 0, spelled out: Glibc's macros do not import.
        guard exitStatus & 0x7f == 0, (exitStatus >> 8) & 0xff == 0 else { return nil }
        // ssh keeps what comes before the first CR or LF (readpass.c: strcspn(buf, "\r\n")).
        return String(decoding: output.prefix { $0 != 10 && $0 != 13 }, as: UTF8.self)
    }

    /// A prompt that cannot be written is not an error of its own: the read that follows fails or times out.
    private func writeAll(_ descriptor: CInt, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = try? Descriptor.writeAll(descriptor, $0) }
    }

    package static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            // Split on the byte '=': a Character split would miss an '='
            // that a combining mark follows.
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(entry).assumingMemoryBound(to: UInt8.self), count: strlen(entry))
            if let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
                result[String(decoding: bytes[..<equals], as: UTF8.self)] = String(decoding: bytes[(equals + 1)...], as: UTF8.self)
            }
            pointer += 1
        }
        return result
    }
}

/// Calls `body` with a NULL-terminated C array of strings that lives for the call.
func withCStrings<Result>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> Result) -> Result {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return body(pointers)
}

/// What a signal handler needs to give the terminal its echo back.
///
/// Written only by the prompting thread while it prompts (before any
/// forwarding thread exists) and read only by the handler that interrupts
/// that thread, so the unchecked access cannot race.
private enum TerminalGuard {
    nonisolated(unsafe) static var terminal: CInt = -1
    nonisolated(unsafe) static var saved = termios()
    /// The echo-off settings, to put back when a stopped prompt resumes.
    nonisolated(unsafe) static var quiet = termios()

    /// Restores the terminal (tcsetattr is async-signal-safe), then lets
    /// the signal do what it would have done.
    static let restoreAndReraise: @convention(c) (CInt) -> Void = { number in
        handle(number)
    }

    private static func handle(_ number: CInt) {
        if terminal >= 0 { _ = tcsetattr(terminal, TCSAFLUSH, &saved) }
        _ = signal(number, SIG_DFL)
        // The signal is blocked while its handler runs: unblock it so raise
        // acts now (a stop suspends us here) rather than after we return.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, number)
        _ = sigprocmask(SIG_UNBLOCK, &set, nil)
        _ = raise(number)
        // Only a stop comes back here (after SIGCONT, `fg`): the prompt is
        // still reading, so silence the terminal and guard it again.
        if terminal >= 0 { _ = tcsetattr(terminal, TCSAFLUSH, &quiet) }
        _ = signal(number, Self.restoreAndReraise)
    }
}
