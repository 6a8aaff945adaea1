import Synchronization

/// Counters the accept loop and every client thread update without a lock.
package final class ServerStatistics: Sendable {
    package let accepted = Atomic<Int>(0)
    package let active = Atomic<Int>(0)
    package let peakActive = Atomic<Int>(0)
    package let succeeded = Atomic<Int>(0)
    package let tooLong = Atomic<Int>(0)
    package let idle = Atomic<Int>(0)
    package let messageTimeouts = Atomic<Int>(0)
    package let reset = Atomic<Int>(0)
    package let failed = Atomic<Int>(0)
    /// Clients closed at once because no thread could be started for them.
    package let turnedAway = Atomic<Int>(0)
    package let bytesReceived = Atomic<Int>(0)
    /// Times accept(2) failed with EMFILE/ENFILE/ENOBUFS/ENOMEM and the loop paused.
    package let acceptPauses = Atomic<Int>(0)
    /// Times pthread_create(3) failed with EAGAIN and the loop paused.
    package let threadPauses = Atomic<Int>(0)

    package init() {}

    /// Counts a newly accepted client and keeps the high-water mark.
    package func clientStarted() {
        accepted.add(1, ordering: .relaxed)
        let now = active.add(1, ordering: .sequentiallyConsistent).newValue
        var peak = peakActive.load(ordering: .relaxed)
        while now > peak {
            let (exchanged, original) = peakActive.compareExchange(expected: peak, desired: now, ordering: .relaxed)
            if exchanged { break }
            peak = original
        }
    }

    package func record(_ outcome: ServedOutcome, bytes: Int) {
        bytesReceived.add(bytes, ordering: .relaxed)
        switch outcome {
        case .ok: succeeded.add(1, ordering: .relaxed)
        case .tooLong: tooLong.add(1, ordering: .relaxed)
        case .idle: idle.add(1, ordering: .relaxed)
        case .messageTimeout: messageTimeouts.add(1, ordering: .relaxed)
        case .reset: reset.add(1, ordering: .relaxed)
        case .failed: failed.add(1, ordering: .relaxed)
        }
    }

    /// A frozen copy for the summary.
    package var snapshot: ServeSummary {
        ServeSummary(
            accepted: accepted.load(ordering: .relaxed),
            active: active.load(ordering: .relaxed),
            peakActive: peakActive.load(ordering: .relaxed),
            succeeded: succeeded.load(ordering: .relaxed),
            tooLong: tooLong.load(ordering: .relaxed),
            idle: idle.load(ordering: .relaxed),
            messageTimeouts: messageTimeouts.load(ordering: .relaxed),
            reset: reset.load(ordering: .relaxed),
            failed: failed.load(ordering: .relaxed),
            turnedAway: turnedAway.load(ordering: .relaxed),
            bytesReceived: bytesReceived.load(ordering: .relaxed),
            acceptPauses: acceptPauses.load(ordering: .relaxed),
            threadPauses: threadPauses.load(ordering: .relaxed),
            seconds: 0
        )
    }
}
