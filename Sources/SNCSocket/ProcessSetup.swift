import Glibc

/// Process-wide settings every snc command wants before it touches a socket.
package enum ProcessSetup {
    /// Ignores SIGPIPE: a write to a closed peer must come back as EPIPE, an
    /// error snc can report, instead of killing the process with unwritten data.
    package static func ignoreBrokenPipe() {
        _ = signal(SIGPIPE, SIG_IGN)
    }

    /// Raises the soft RLIMIT_NOFILE to the hard limit and returns the new soft limit.
    /// A server holding thousands of clients needs more than the usual 1024.
    @discardableResult
    package static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(CInt(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(CInt(RLIMIT_NOFILE.rawValue), &raised) == 0 { return Int(clamping: raised.rlim_cur) }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
