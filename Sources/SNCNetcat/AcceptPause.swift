import SNCSocket

/// Backoff for a listener that cannot accept because the process is out of
/// descriptors (EMFILE/ENFILE) or memory: the queued connection keeps the
/// listener readable, so polling it again at once would spin. The pause starts
/// at 5 ms and doubles up to 500 ms while the failures go on; a client leaving
/// ends it early, since that frees a descriptor.
struct AcceptPause {
    private var until: Deadline?
    private var milliseconds = 0

    var isActive: Bool {
        guard let until else { return false }
        return !until.hasPassed
    }

    /// The poll timeout while paused (-1: no pause, wait for events).
    var remainingMilliseconds: Int32 {
        guard let until, !until.hasPassed else { return -1 }
        return max(1, until.remainingMilliseconds)
    }

    /// Starts or lengthens the pause; true when this is the first failure of a
    /// run, so the caller warns once rather than on every retry.
    mutating func begin() -> Bool {
        let first = milliseconds == 0
        milliseconds = first ? 5 : min(milliseconds * 2, 500)
        until = Deadline(milliseconds: milliseconds)
        return first
    }

    /// A client left: try accepting again now, keeping the backoff level.
    mutating func end() {
        until = nil
    }

    /// Accepting worked again: forget the backoff.
    mutating func reset() {
        until = nil
        milliseconds = 0
    }
}
