/// What `snc serve` prints when it stops.
package struct ServeSummary: Sendable, Equatable {
    package var accepted: Int
    /// Clients still connected when the summary was taken (after the grace period).
    package var active: Int
    package var peakActive: Int
    package var succeeded: Int
    package var tooLong: Int
    package var idle: Int
    package var messageTimeouts: Int
    package var reset: Int
    package var failed: Int
    package var turnedAway: Int
    package var bytesReceived: Int
    package var acceptPauses: Int
    package var threadPauses: Int
    package var seconds: Double

    package init(accepted: Int, active: Int, peakActive: Int, succeeded: Int, tooLong: Int, idle: Int, messageTimeouts: Int, reset: Int, failed: Int,
                 turnedAway: Int, bytesReceived: Int, acceptPauses: Int, threadPauses: Int, seconds: Double) {
        self.accepted = accepted
        self.active = active
        self.peakActive = peakActive
        self.succeeded = succeeded
        self.tooLong = tooLong
        self.idle = idle
        self.messageTimeouts = messageTimeouts
        self.reset = reset
        self.failed = failed
        self.turnedAway = turnedAway
        self.bytesReceived = bytesReceived
        self.acceptPauses = acceptPauses
        self.threadPauses = threadPauses
        self.seconds = seconds
    }

    /// The summary lines, each starting "summary: ".
    package var lines: [String] {
        let rate = seconds > 0 ? Double(accepted) / seconds : 0
        var lines = [
            "summary: \(accepted) clients in \(Decimal3.format(seconds, digits: 2)) s (\(Decimal3.format(rate, digits: 1)) per second): "
                + "\(succeeded) ok, \(tooLong) message too long, \(idle) idle, \(messageTimeouts) message timeout, \(reset) reset, \(failed) errors",
            "summary: \(ByteCount.describe(Double(bytesReceived))) received; at most \(peakActive) clients at once",
        ]
        if acceptPauses > 0 {
            lines.append("summary: accept paused \(acceptPauses) times for lack of file descriptors (EMFILE/ENFILE); those clients waited in the backlog")
        }
        if threadPauses > 0 {
            lines.append("summary: thread start paused \(threadPauses) times (pthread_create: EAGAIN)")
        }
        if turnedAway > 0 {
            lines.append("summary: \(turnedAway) clients were closed at once because no thread could be started for them")
        }
        if active > 0 {
            lines.append("summary: \(active) clients were still connected when the grace period ended and were cut off")
        }
        return lines
    }
}
