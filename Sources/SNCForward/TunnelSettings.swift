/// Tuning and liveness settings for one tunnel session.
package struct TunnelSettings: Sendable {
    /// The receive window a channel opens with. libssh2's default is 2 MiB,
    /// which caps one channel at 2 MiB per round trip; this is also the most
    /// libssh2 queues for a channel whose local reader is slow.
    package var channelWindow: UInt32 = 8 << 20
    /// What all channels of one session may have in flight together: with
    /// many connections each opens with budget / connections (but never
    /// less than `minimumWindow`), so stalled readers cannot make libssh2
    /// queue without bound.
    package var windowBudget = 256 << 20
    /// Still above libssh2's 2 MiB default.
    package var minimumWindow: UInt32 = (2 << 20) + (256 << 10)

    /// The window for a new channel when `connections` are open on the session.
    package func window(forConnections connections: Int) -> UInt32 {
        let share = windowBudget / max(connections, 1)
        return max(minimumWindow, min(channelWindow, UInt32(clamping: share)))
    }
    /// The largest packet we accept (libssh2's default).
    package var maximumPacket: UInt32 = 32768
    /// Per-direction relay buffer for each connection.
    package var bufferSize = 256 << 10
    /// Channel data is not written while libssh2 has more than this waiting
    /// for the socket (see OutboundBuffer).
    package var outboundHighWater = 1 << 20
    /// ServerAliveInterval / ServerAliveCountMax; 0 = off.
    package var serverAliveInterval = 0
    package var serverAliveCountMax = 3

    /// How long a SOCKS client may take to send its whole request, and a
    /// `-R` connection's local connect may take, before it is dropped: a
    /// stalled client must not hold its descriptor and slot for ever.
    package var setupTimeoutMilliseconds = 10_000

    /// `--reconnect`: a lost session is replaced rather than ending snc;
    /// its open connections are reset. nil: a lost session ends snc.
    package var reconnect: ReconnectPolicy?

    package init() {}
}
