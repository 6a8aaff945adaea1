import CLinux

/// How a program run by `--exec` ended, as the status snc exits with:
/// its exit code, or 128 + the signal that killed it (a shell's `$?`).
package struct ProgramStatus: Sendable, Equatable {
    package let exitCode: Int32

    package init(exitCode: Int32) {
        self.exitCode = exitCode
    }

    /// From a waitpid(2) status word.
    init(waitStatus: CInt) {
        if snc_wait_exited(waitStatus) != 0 {
            exitCode = snc_wait_exit_status(waitStatus)
        } else if snc_wait_signaled(waitStatus) != 0 {
            exitCode = 128 + snc_wait_signal(waitStatus)
        } else {
            exitCode = 1
        }
    }
}
