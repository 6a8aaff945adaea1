/// How a relay session ended. In every case, everything read from the
/// socket was written to stdout first.
package enum RelayOutcome: Sendable, Equatable {
    /// Both directions finished: stdin ended (or was not read) and the peer closed.
    case completed
    /// `-q`: the quit timer after stdin's end ran out.
    case quitAfterInputEnded
    /// `-w` or `--idle-timeout`: nothing moved for that long.
    case idleTimedOut
    /// The peer reset the connection, or stdin/stdout or a log file failed.
    case failed(NetcatError)
}
