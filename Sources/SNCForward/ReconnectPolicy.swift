/// `snc forward --reconnect`: how long to wait between attempts to get a
/// session back, and how many local clients may wait for it, for how long.
package struct ReconnectPolicy: Sendable {
    /// The first wait after a loss; each failed attempt doubles it.
    package var initialDelayMilliseconds = 1000
    /// The longest wait between attempts (autossh's and ssh users' usual ceiling).
    package var maximumDelayMilliseconds = 30_000
    /// Local clients accepted while no session exists, served once one is
    /// back. More stay in the kernel's listen backlog, not refused.
    package var maximumHeldClients = 64
    /// A held client gets a reset after this long without a session.
    package var heldClientTimeoutMilliseconds = 30_000

    package init() {}

    /// The wait before attempt `attempt` (0 for the first after a loss):
    /// 1 s, 2 s, 4 s ... capped at 30 s, then shortened by up to a quarter
    /// (`jitter` in 0..<1) so that many tunnels cut by one server restart do
    /// not all come back in the same instant.
    package func delayMilliseconds(attempt: Int, jitter: Double) -> Int {
        var delay = initialDelayMilliseconds
        for _ in 0..<min(max(attempt, 0), 16) where delay < maximumDelayMilliseconds {
            delay = delay.saturatingMultiplied(by: 2)
        }
        delay = min(delay, maximumDelayMilliseconds)
        let fraction = min(max(jitter, 0), 0.999)
        return delay - Int(Double(delay) * 0.25 * fraction)
    }

    /// The wait with a random jitter.
    package func randomDelayMilliseconds(attempt: Int) -> Int {
        delayMilliseconds(attempt: attempt, jitter: Double.random(in: 0..<1))
    }

    /// "1.8 s" for the log line.
    package static func describe(milliseconds: Int) -> String {
        let tenths = (milliseconds + 50) / 100
        return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
    }
}
