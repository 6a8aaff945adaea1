import CLinux

/// A waitpid(2) status word decoded (the W* macros do not import into Swift).
package struct WaitStatus: Sendable, Equatable {
    package let rawValue: CInt

    package init(rawValue: CInt) {
        self.rawValue = rawValue
    }

    /// The exit code if the child called exit(3); nil otherwise.
    package var exitCode: CInt? {
        snc_wait_exited(rawValue) != 0 ? snc_wait_exit_status(rawValue) : nil
    }

    /// The signal that ended the child; nil if it exited.
    package var terminatingSignal: CInt? {
        snc_wait_signaled(rawValue) != 0 ? snc_wait_signal(rawValue) : nil
    }
}
