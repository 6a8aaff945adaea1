import SNCSocket
import Glibc

/// One load client with blocking calls, as a thread-per-client tester runs
/// it: connect (bounded by --timeout), read the intro line, send the
/// message, half-close, read the receipt to end of file, check it.
/// Connect, intro and receipt each get --timeout in all, as an absolute
/// deadline (SO_RCVTIMEO alone bounds one read, so a server trickling a byte
/// at a time could hold a client forever), like the epoll engine's phases.
struct BlockingClient {
    let run: LevelRun
    /// Scratch space for the intro and the receipt, owned by the worker thread.
    let buffer: UnsafeMutableRawBufferPointer

    /// The intro and the receipt are short lines; anything longer is wrong.
    static let replyLimit = 4096

    func exchange(index: Int) -> ClientRecord {
        let started = MonotonicClock.now()
        var connectNanoseconds: UInt64?
        var sent = 0
        var received = 0
        let outcome: ClientOutcome
        do {
            outcome = try attempt(index: index, started: started, connected: &connectNanoseconds, sent: &sent, received: &received)
        } catch {
            outcome = ClientOutcome(error: error)
        }
        let finished = MonotonicClock.now()
        return ClientRecord(
            finishedAt: finished &- run.startedAt,
            connectNanoseconds: connectNanoseconds,
            totalNanoseconds: finished &- started,
            bytesSent: sent,
            bytesReceived: received,
            outcome: outcome
        )
    }

    private func attempt(index: Int, started: UInt64, connected: inout UInt64?, sent: inout Int, received: inout Int) throws(SyscallError) -> ClientOutcome {
        let configuration = run.configuration
        let target = configuration.target
        let socket = try Socket(family: target.family, type: CInt(SOCK_STREAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue))
        if let source = run.source(for: index) {
            try socket.setBindAddressNoPort()
            try socket.bind(to: source)
        }
        if try !socket.connect(to: target) {
            let deadline = Deadline(milliseconds: run.timeoutMilliseconds)
            while try Poll.wait(for: socket.descriptor, .writable, timeoutMilliseconds: deadline.remainingMilliseconds).isEmpty {
                if deadline.hasPassed { return .connectTimedOut }
            }
            let pending = try socket.option(level: SOL_SOCKET, name: SO_ERROR)
            if pending != 0 { throw SyscallError("connect", code: pending) }
        }
        connected = MonotonicClock.now() &- started
        try socket.setNonBlocking(false)
        // Sends are bounded per write, as in the epoll engine: a long message may take longer than --timeout in all.
        try socket.setSendTimeout(milliseconds: run.timeoutMilliseconds)

        // The intro: everything up to the first newline.
        let introDeadline = MonotonicClock.deadline(after: run.timeoutNanoseconds)
        intro: while true {
            guard try Self.waitReadable(socket, until: introDeadline) else { return .replyTimedOut }
            switch try socket.read(into: buffer) {
            case .done(0): return .badReceipt
            case .done(let count):
                received += count
                if buffer[0..<count].contains(UInt8(ascii: "\n")) { break intro }
                if received > Self.replyLimit { return .badReceipt }
            case .wouldBlock: return .replyTimedOut
            }
        }

        let message = configuration.message
        let stamp = message.stamp(for: index)
        let tail = message.tail(after: stamp)
        let total = message.body.count + tail.count
        while sent < total {
            let result = message.body.withUnsafeBytes { body in
                tail.withUnsafeBytes { tail in
                    let skipBody = min(sent, body.count)
                    let skipTail = sent - skipBody
                    return Result { () throws(SyscallError) in
                        try socket.write(UnsafeRawBufferPointer(rebasing: body[skipBody...]), UnsafeRawBufferPointer(rebasing: tail[skipTail...]))
                    }
                }
            }
            switch try result.get() {
            case .done(let count): sent += count
            case .wouldBlock: return .replyTimedOut
            }
        }
        try socket.shutdown(.write)

        var reply: [UInt8] = []
        let receiptDeadline = MonotonicClock.deadline(after: run.timeoutNanoseconds)
        receipt: while true {
            guard try Self.waitReadable(socket, until: receiptDeadline) else { return .replyTimedOut }
            switch try socket.read(into: buffer) {
            case .done(0): break receipt
            case .done(let count):
                received += count
                reply.append(contentsOf: buffer[0..<count])
                // No right receipt is this long: stop reading rather than drain a flood.
                if reply.count > Self.replyLimit { return .badReceipt }
            case .wouldBlock: return .replyTimedOut
            }
        }
        return reply == message.expectedReceipt(for: stamp) ? .completed : .badReceipt
    }

    /// Waits with `poll(2)` until `socket` has something to read (data, end
    /// of file or an error) or `deadline` (CLOCK_MONOTONIC nanoseconds)
    /// passes; false on the deadline. The read after it then cannot block.
    private static func waitReadable(_ socket: borrowing Socket, until deadline: UInt64) throws(SyscallError) -> Bool {
        while true {
            let milliseconds = MonotonicClock.milliseconds(until: deadline)
            guard milliseconds > 0 else { return false }
            if try !Poll.wait(for: socket.descriptor, .readable, timeoutMilliseconds: milliseconds).isEmpty { return true }
        }
    }
}
