import SNCSocket

/// When the broker gives up on a client that does not take what it is sent.
///
/// Broadcasting loses no data, so the broker stops reading from everyone
/// while any client has more than `highWater` bytes waiting (that bounds the
/// memory a fast sender can make it hold). A client that never reads would
/// then hold every other client back for ever, and join/leave announcements,
/// which arrive whatever the pause, would pile up in its queue. So a client
/// whose queue stays above `highWater` for `patience` in a row, or ever
/// exceeds `hardLimit`, is dropped (and the others flow again). A client that
/// reads at all gets below the mark quickly: while it holds the others back
/// nothing new is read, so it has at most one read's worth to take.
///
/// Instants are `MonotonicClock` readings, so the drop time is a `Deadline`
/// that the broker's poll timeout is derived from.
package struct SlowClientRule: Sendable {
    package var highWater = 1 << 20
    package var hardLimit = 4 << 20
    package var patienceMilliseconds = 2000

    package init() {}

    /// Whether a queue this long pauses reading for everyone.
    package func holdsOthersBack(queued: Int) -> Bool {
        queued > highWater
    }

    /// The stall clock after a client's queue changed to `queued` bytes: it
    /// starts when the queue goes over the mark, keeps running while it
    /// stays there, and stops (nil) once the queue is back at or under it.
    package func stalledSince(_ previous: UInt64?, queued: Int, now: UInt64) -> UInt64? {
        holdsOthersBack(queued: queued) ? previous ?? now : nil
    }

    /// Whether to drop a client with `queued` bytes waiting that has held
    /// the others back since `stalledSince` (nil: it is not holding them back).
    package func drops(queued: Int, stalledSince: UInt64?, now: UInt64) -> Bool {
        if queued > hardLimit { return true }
        guard let stalledSince, holdsOthersBack(queued: queued) else { return false }
        return now >= deadline(stalledSince: stalledSince).nanoseconds
    }

    /// When a client that has held the others back since `stalledSince` is
    /// to be dropped, if it still has not caught up.
    package func deadline(stalledSince: UInt64) -> Deadline {
        Deadline(milliseconds: patienceMilliseconds, after: stalledSince)
    }
}
