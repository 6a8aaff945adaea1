/// One packet from a `PacketRing`: its bytes from the link-layer header on,
/// as long as they were captured, and when the kernel saw it.
///
/// `bytes` points into the ring and is valid only inside the `PacketRing.drain`
/// call that handed the packet out.
package struct CapturedPacket {
    package let bytes: UnsafeRawBufferPointer
    /// The packet's length on the wire (`bytes` may hold less).
    package let originalLength: Int
    /// CLOCK_REALTIME nanoseconds since the epoch.
    package let timestamp: UInt64

    package init(bytes: UnsafeRawBufferPointer, originalLength: Int, timestamp: UInt64) {
        self.bytes = bytes
        self.originalLength = originalLength
        self.timestamp = timestamp
    }
}
