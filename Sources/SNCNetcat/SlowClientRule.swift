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
package struct SlowClientRule: Sendable {
    package var highWater = 1 << 20
    package var hardLimit = 4 << 20
    package var patience: Duration = .seconds(2)

    package init() {}

    /// Whether a queue this long pauses reading for everyone.
    package func holdsOthersBack(queued: Int) -> Bool {
        queued > highWater
    }

    /// The stall clock after a client's queue changed to `queued` bytes: it
    /// starts when the queue goes over the mark, keeps running while it
    /// stays there, and stops (nil) once the queue is back at or under it.
    package func stalledSince(_ previous: ContinuousClock.Instant?, queued: Int, now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        holdsOthersBack(queued: queued) ? previous ?? now : nil
    }

    /// Whether to drop a client with `queued` bytes waiting that has held
    /// the others back since `stalledSince` (nil: it is not holding them back).
    package func drops(queued: Int, stalledSince: ContinuousClock.Instant?, now: ContinuousClock.Instant) -> Bool {
        if queued > hardLimit { return true }
        guard let stalledSince, holdsOthersBack(queued: queued) else { return false }
        return now - stalledSince >= patience
    }

    /// When a client that has held the others back since `stalledSince` is
    /// to be dropped, if it still has not caught up.
    package func deadline(stalledSince: ContinuousClock.Instant) -> ContinuousClock.Instant {
        stalledSince.advanced(by: patience)
    }
}
