import SNCSSH
import SNCSocket
import Glibc

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

    /// poll(2) said the SSH socket is readable, yet a whole pass read
    /// nothing from it: see whether the server closed the connection.
    /// libssh2 1.10 can read the end of stream without reporting it (a
    /// `-R`-only session, whose only reads are forward_accept's, which
    /// return "nothing queued"), and the loop would then spin on the
    /// readable socket instead of noticing the loss.
    func checkTransportEnded() throws(ForwardError) {
        var byte: UInt8 = 0
        let count = Glibc.recv(link.descriptor, &byte, 1, CInt(MSG_PEEK | MSG_DONTWAIT))
        if count == 0 { throw .connectionLost(host: hostName, reason: "end of stream") }
        if count < 0 {
            let code = errno
            guard code != EAGAIN && code != EWOULDBLOCK && code != EINTR else { return }
            throw .connectionLost(host: hostName, reason: String(cString: strerror(code)))
        }
    }
}
