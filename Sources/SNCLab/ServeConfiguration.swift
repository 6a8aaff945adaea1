import Glibc

/// Everything `snc serve` was asked to do, fixed before the first accept.
package struct ServeConfiguration: Sendable {
    /// The address to listen on; nil means every address (IPv6 and IPv4 on one socket where possible).
    package var address: String? = nil
    /// 0 lets the kernel pick a free port (reported once listening).
    package var port: UInt16 = 0
    /// listen(2)'s backlog; the kernel caps it at net.core.somaxconn.
    package var backlog: CInt = ServeConfiguration.systemMaxBacklog
    /// The intro line sent on accept, newline-terminated.
    package var intro: [UInt8] = Array(LabProtocol.defaultIntro.utf8)
    /// At most this many clients are served at once; the rest wait in the
    /// kernel's accept queue (nil: no limit but file descriptors and threads).
    package var maxClients: Int? = nil
    /// A message longer than this is refused with an `error:` line.
    package var maxMessage: Int = ServeConfiguration.defaultMaxMessage
    /// A client that sends no byte for this long is told so and closed (nil: wait forever).
    package var idleTimeout: Double? = 30
    /// A client whose whole message has not arrived this long after accept
    /// is told so and closed, however it trickles (nil: no deadline).
    package var messageTimeout: Double? = ServeConfiguration.defaultMessageTimeout
    /// No per-client log lines (the summary is still printed).
    package var quiet: Bool = false
    /// After SIGINT/SIGTERM, how long in-flight clients may take to finish.
    package var grace: Double = 10
    /// Stack size of each client thread; small, so that 10,000 clients fit.
    package var threadStackSize: Int = ServeConfiguration.defaultStackSize
    /// Where a client's message ends: its end of file, or its first newline.
    package var messageEnd: MessageEnd = .eof

    package static let defaultMaxMessage = 64 << 20
    package static let defaultStackSize = 128 << 10
    package static let defaultMessageTimeout: Double = 60

    /// Every setting at its default; the caller changes what it was asked to.
    package init() {}

    /// SOMAXCONN from <sys/socket.h> (4096 on current Linux); the kernel
    /// caps any backlog at net.core.somaxconn anyway.
    package static var systemMaxBacklog: CInt { CInt(SOMAXCONN) }

    /// Makes an intro into exactly one line: any newline inside becomes a
    /// space and one newline ends it, so a client can read up to the first `\n`.
    package static func introLine(_ text: some Collection<UInt8>) -> [UInt8] {
        var bytes = Array(text)
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") || bytes[index] == UInt8(ascii: "\r") {
            bytes[index] = UInt8(ascii: " ")
        }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
