/// The pause after accept(2) ran out of descriptors or memory. The waiting
/// connection keeps the listener readable, so polling it again at once
/// would spin. The pause starts at 5 ms and doubles up to 500 ms while the
/// failures go on; a connection closing ends it early (that frees a
/// descriptor) and a successful accept forgets it. Like SwiftNIO's
/// `AcceptBackoffHandler`, one for every server.
package struct AcceptBackoff: Sendable {
    package static let firstMilliseconds = 5
    package static let longestMilliseconds = 500

    private var until: Deadline?
    /// The length of the current (or last) pause; 0 before the first failure of a run.
    package private(set) var milliseconds = 0

    package init() {}

    /// True while the listener should be left out of poll(2).
    package var isActive: Bool {
        guard let until else { return false }
        return !until.hasPassed
    }

    /// The poll timeout that ends the pause (-1: not paused, wait for events;
    /// otherwise at least 1). Read it once per loop turn and derive both the
    /// poll set and the timeout from that value, so they cannot disagree.
    package var remainingMilliseconds: Int32 {
        guard let until, !until.hasPassed else { return -1 }
        return max(1, until.remainingMilliseconds)
    }

    /// Starts or lengthens the pause. True for the first failure of a run,
    /// so the caller warns once rather than on every retry.
    @discardableResult
    package mutating func pause() -> Bool {
        let first = milliseconds == 0
        milliseconds = first ? Self.firstMilliseconds : min(milliseconds * 2, Self.longestMilliseconds)
        until = Deadline(milliseconds: milliseconds)
        return first
    }

    /// A connection closed: try accepting now, keeping the backoff level in
    /// case the descriptor went to someone else.
    package mutating func wake() {
        until = nil
    }

    /// Accepting worked again: the next failure starts at 5 ms.
    package mutating func reset() {
        until = nil
        milliseconds = 0
    }
}
