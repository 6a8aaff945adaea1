/// One classified packet: which class, when, and the connection's ports as
/// the packet carried them.
package struct CaptureEvent: Sendable, Equatable {
    package var flag: TCPAnalysisFlag
    /// CLOCK_REALTIME nanoseconds (the packet's capture time).
    package var timestamp: UInt64
    package var sourcePort: UInt16
    package var destinationPort: UInt16

    package init(flag: TCPAnalysisFlag, timestamp: UInt64, sourcePort: UInt16, destinationPort: UInt16) {
        self.flag = flag
        self.timestamp = timestamp
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
    }
}
