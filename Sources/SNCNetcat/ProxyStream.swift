import SNCSocket
import Glibc

/// The handshake's view of the connection to the proxy: whole messages out,
/// exact byte counts in, all within one deadline. It never reads a byte past
/// what the handshake needs, so whatever the destination sends right after
/// the proxy's answer stays in the socket for the relay.
struct ProxyStream {
    /// Borrowed from the caller's `Socket` (non-blocking), which outlives this value and closes it.
    let descriptor: CInt
    let deadline: Deadline
    /// The handshake time, for the timeout message.
    let seconds: Double

    typealias Failure = ProxyError.Reason

    /// Sends all of `bytes`, waiting for room until the deadline.
    func send(_ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            // withUnsafeBytes only rethrows untyped errors: the outcome comes out as a Result.
            let outcome = bytes.withUnsafeBytes { raw in
                Result { () throws(SyscallError) in
                    try retryingNonBlocking("send") {
                        Glibc.send(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset, CInt(MSG_NOSIGNAL))
                    }
                }
            }
            let result: IOResult<Int>
            switch outcome {
            case .success(let value): result = value
            case .failure(let error): throw .system(error)
            }
            switch result {
            case .done(let count): offset += count
            case .wouldBlock: try wait(for: POLLOUT)
            }
        }
    }

    /// Exactly `count` bytes; end of stream before them is `.closed`.
    func receive(exactly count: Int) throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count {
            let chunk = try receive(upTo: count - bytes.count, peek: false)
            if chunk.isEmpty { throw .closed(received: bytes) }
            bytes += chunk
        }
        return bytes
    }

    /// Waits for data, then returns up to `limit` bytes without taking them
    /// from the socket; empty at end of stream.
    func peek(upTo limit: Int) throws(Failure) -> [UInt8] {
        try receive(upTo: limit, peek: true)
    }

    /// What the proxy has sent beyond `bytes` by now (no waiting), to show
    /// more of a wrong answer than the two or four bytes that gave it away.
    func glimpse(after bytes: [UInt8], limit: Int = 46) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: limit)
        let count = buffer.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, limit, CInt(MSG_DONTWAIT)) }
        return count > 0 ? bytes + buffer.prefix(count) : bytes
    }

    private func receive(upTo limit: Int, peek: Bool) throws(Failure) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: limit)
        let flags = peek ? CInt(MSG_PEEK) : 0
        while true {
            let outcome = buffer.withUnsafeMutableBytes { raw in
                Result { () throws(SyscallError) in
                    try retryingNonBlocking("recv") { Glibc.recv(descriptor, raw.baseAddress, limit, flags) }
                }
            }
            let result: IOResult<Int>
            switch outcome {
            case .success(let value): result = value
            case .failure(let error): throw .system(error)
            }
            switch result {
            case .done(let count): return Array(buffer.prefix(count))
            case .wouldBlock: try wait(for: POLLIN)
            }
        }
    }

    /// poll(2) for `event` until the deadline; hang-ups and errors count as
    /// ready, so that the next call reports them.
    private func wait(for event: Int32) throws(Failure) {
        while true {
            if deadline.hasPassed { throw .timedOut(seconds: seconds) }
            let ready: PollEvents
            do {
                ready = try Poll.wait(for: descriptor, PollEvents(rawValue: Int16(event)), timeoutMilliseconds: deadline.remainingMilliseconds)
            } catch {
                throw .system(error)
            }
            if !ready.isEmpty { return }
        }
    }
}
