import SNCSocket

/// How a program run by `--exec` ended, as the status snc exits with:
/// its exit code, or 128 + the signal that killed it (a shell's `$?`).
package struct ProgramStatus: Sendable, Equatable {
    package let exitCode: Int32

    package init(exitCode: Int32) {
        self.exitCode = exitCode
    }

    /// From a waitpid(2) status.
    init(_ status: WaitStatus) {
        if let code = status.exitCode {
            exitCode = code
        } else if let signal = status.terminatingSignal {
            exitCode = 128 + signal
        } else {
            exitCode = 1
        }
    }
}
