import SNCSocket

/// The two clocks a served client's reads run against, and the SO_RCVTIMEO
/// that makes one blocking read honour both.
///
/// - **Idle** (`--idle-timeout`): no byte for that long. It counts bytes,
///   not reads: every read that returns bytes starts the next read, and so
///   the next wait, at once, so the clock restarts with each byte that
///   arrives, however few came in one read. A client that sends one byte
///   every 2 s with a 30 s idle timeout is therefore never idle: it is slow,
///   not silent, and the message deadline is what bounds it.
/// - **Message** (`--message-timeout`): the whole message, up to the client's
///   half-close, must arrive within that long of accept(2), however it
///   trickles in.
///
/// A read waits for at most the idle time, or what is left of the message
/// time when that is shorter. The idle value is inherited from the listener,
/// so a read costs an extra setsockopt(2) only within the last idle-timeout
/// before the message deadline (with no idle timeout, every read pays one:
/// the message clock alone times it).
package struct ReceiveDeadlines {
    /// Why a read that timed out timed out.
    package enum Expiry: Equatable { case idle, message }

    /// SO_RCVTIMEO for the idle clock; 0: none (wait forever).
    package let idleMilliseconds: Int
    /// When the message must be complete, on MonotonicClock; nil: never.
    package let messageDeadline: UInt64?
    /// The SO_RCVTIMEO the socket has now (it starts with the listener's).
    package private(set) var inForce: Int

    package init(idleMilliseconds: Int, messageDeadline: UInt64?) {
        self.idleMilliseconds = idleMilliseconds
        self.messageDeadline = messageDeadline
        inForce = idleMilliseconds
    }

    /// True once the message deadline has passed.
    package func messageExpired(now: UInt64) -> Bool {
        messageDeadline.map { now >= $0 } ?? false
    }

    /// The SO_RCVTIMEO (milliseconds, 0: forever) the next read needs, or nil
    /// when the one in force is already right. Call only before a read.
    package mutating func timeoutForNextRead(now: UInt64) -> Int? {
        var wanted = idleMilliseconds
        if let messageDeadline {
            // Rounded up, and at least 1: SO_RCVTIMEO takes 0 as "forever".
            let left = max(1, Int(MonotonicClock.milliseconds(until: messageDeadline, now: now)))
            if wanted == 0 || left < wanted { wanted = max(1, left) }
        }
        guard wanted != inForce else { return nil }
        inForce = wanted
        return wanted
    }

    /// Which clock ended a read that timed out: the message clock if the
    /// read was waiting on what was left of it, else the idle clock.
    package var expiryOfLastRead: Expiry {
        inForce == idleMilliseconds ? .idle : .message
    }
}
