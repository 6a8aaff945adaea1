import SNCSSH
import SNCSocket

/// Keeping the session's transport read and noticing a dead server.
extension TunnelWorker {
    /// Makes libssh2 read what the server sent when no channel read did it
    /// in this pass: through any open channel (a zero-byte read processes
    /// every queued packet), or, with no channel, through a probe
    /// channel-open whose refusal libssh2 waits for.
    func drainTransport() throws(ForwardError) {
        socketReadable = false
        if let channel = connections.first(where: { $0.channel != nil })?.channel {
            var scratch: UInt8 = 0
            do {
                _ = try withUnsafeMutableBytes(of: &scratch) { raw throws(SSHError) in try channel.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<0])) }
            } catch {
                if error.isDisconnect { throw lost(error) }
            }
        } else if openQueue.isEmpty && closing.isEmpty {
            openQueue.append(.probe)
            openAttemptedAt = .max
        }
    }

    /// ServerAliveInterval: after that long without a byte from the server,
    /// ask it something (a probe open); after interval × count, give up.
    func checkLiveness() throws(ForwardError) {
        let interval = settings.serverAliveInterval
        guard interval > 0 else { return }
        let silentNanoseconds = MonotonicClock.now() &- session.lastReceivedNanoseconds
        // Saturating: a config may say ServerAliveInterval up to INT_MAX seconds.
        let limitSeconds = interval.saturatingMultiplied(by: max(settings.serverAliveCountMax, 1))
        if silentNanoseconds > UInt64(limitSeconds.saturatingMultiplied(by: 1_000_000_000)) {
            throw .serverSilent(host: hostName, seconds: limitSeconds)
        }
        if silentNanoseconds > UInt64(interval.saturatingMultiplied(by: 1_000_000_000)) && openQueue.isEmpty {
            log.debug("no data from server for \(silentNanoseconds / 1_000_000_000)s: probing", level: 2)
            openQueue.append(.probe)
            openAttemptedAt = .max
        }
    }
}
