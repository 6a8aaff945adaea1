import SNCSocket
import Glibc

/// One client of `snc serve`, handled start to finish on its own thread with
/// blocking calls, as the lab's thread-per-connection server does.
///
/// Idle detection costs no extra calls: SO_RCVTIMEO/SO_SNDTIMEO, set once on
/// the listener and inherited by every accepted socket (Linux copies them in
/// sk_clone_lock), make a read or write that waits longer than
/// --idle-timeout return EAGAIN. The whole-message deadline
/// (--message-timeout) shortens SO_RCVTIMEO only once it is nearer than
/// the idle timeout (see `ReceiveDeadlines`).
struct ServedClient: ~Copyable {
    let socket: Socket
    let configuration: ServeConfiguration
    /// When accept(2) returned, on MonotonicClock: the message deadline counts from here.
    let acceptedAt: UInt64

    /// How much of a message is read per recv(2). Small, because each of
    /// thousands of threads has its own; large enough to keep syscalls few.
    static let bufferSize = 16 << 10
    /// How long a refused client's remaining bytes are read and dropped, so
    /// that our `error:` line reaches it before the close (closing with unread
    /// data would send a reset, which may destroy the line in flight).
    static let drainMilliseconds = 2000

    /// Runs the protocol; returns the bytes of message read and how it ended.
    func serve() -> (bytes: Int, outcome: ServedOutcome) {
        var received = 0
        do {
            guard try send(configuration.intro) else { return (0, .idle) }

            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 16)
            defer { buffer.deallocate() }
            var message = MessageReader(end: configuration.messageEnd)
            var deadlines = ReceiveDeadlines(
                idleMilliseconds: configuration.idleTimeout.map(TimeLimit.milliseconds) ?? 0,
                messageDeadline: configuration.messageTimeout.map { acceptedAt &+ TimeLimit.nanoseconds($0) })
            reading: while true {
                let now = MonotonicClock.now()
                if deadlines.messageExpired(now: now) {
                    return (received, refuseSlowMessage())
                }
                if let milliseconds = deadlines.timeoutForNextRead(now: now) {
                    try socket.setReceiveTimeout(milliseconds: milliseconds)
                }
                switch try socket.read(into: buffer) {
                case .done(0):
                    break reading
                case .done(let count):
                    let complete = message.take(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                    received = message.byteCount
                    if received > configuration.maxMessage {
                        _ = try? send(Array(LabProtocol.tooLongLine(limit: configuration.maxMessage).utf8))
                        halfCloseAndDrain()
                        return (received, .tooLong)
                    }
                    if complete { break reading }
                case .wouldBlock:
                    if deadlines.expiryOfLastRead == .message {
                        return (received, refuseSlowMessage())
                    }
                    _ = try? send(Array(LabProtocol.idleLine(seconds: configuration.idleTimeout ?? 0).utf8))
                    return (received, .idle)
                }
            }
            let receipt = message.receipt()
            guard try send(Array(receipt.utf8)) else { return (received, .idle) }
            if message.isComplete {
                // The client may still be connected and even sending (nc without -N):
                // closing with its bytes unread would reset the connection and could
                // destroy the receipt in flight, so half-close and let it finish.
                halfCloseAndDrain()
            }
            return (received, .ok)
        } catch {
            return (received, ServedOutcome(error: error))
        }
    }

    /// Tells a client whose message missed --message-timeout so, and lets
    /// the line reach it before the close (it may still be sending).
    private func refuseSlowMessage() -> ServedOutcome {
        _ = try? send(Array(LabProtocol.messageTimeoutLine(seconds: configuration.messageTimeout ?? 0).utf8))
        halfCloseAndDrain()
        return .messageTimeout
    }

    /// Sends all of `bytes`; false if the client stopped reading for longer
    /// than the idle timeout.
    private func send(_ bytes: [UInt8]) throws(SyscallError) -> Bool {
        let result: Result<Bool, SyscallError> = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                do throws(SyscallError) {
                    switch try socket.write(UnsafeRawBufferPointer(rebasing: buffer[offset...])) {
                    case .done(let count): offset += count
                    case .wouldBlock: return .success(false)
                    }
                } catch {
                    return .failure(error)
                }
            }
            return .success(true)
        }
        return try result.get()
    }

    /// Half-closes, then reads and drops whatever the client still sends
    /// until its end of message or a short deadline.
    private func halfCloseAndDrain() {
        try? socket.shutdown(.write)
        let deadline = Deadline(milliseconds: Self.drainMilliseconds)
        try? socket.setReceiveTimeout(milliseconds: 100)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 16)
        defer { scratch.deallocate() }
        while !deadline.hasPassed {
            switch try? socket.read(into: scratch) {
            case .done(let count) where count > 0: continue
            case .wouldBlock: continue
            default: return
            }
        }
    }
}
