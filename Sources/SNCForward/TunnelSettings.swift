/// Tuning and liveness settings for one tunnel session.
package struct TunnelSettings: Sendable {
    /// The receive window each channel opens with. libssh2's default is
    /// 2 MiB, which caps one channel at 2 MiB per round trip; this is also
    /// the most libssh2 queues per channel when the local reader is slow.
    package var channelWindow: UInt32 = 8 << 20
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

    package init() {}
}
