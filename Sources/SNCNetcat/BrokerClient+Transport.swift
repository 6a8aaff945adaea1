import SNCSocket
import SNCTLS

/// Reading and writing a broker client, over its plain socket or through
/// its TLS session, so the broker's loop treats both alike.
extension BrokerClient {
    enum Received {
        case bytes(Int)
        case nothingYet
        /// End of data (EOF, close_notify, or a failure): the client leaves.
        case ended
    }

    enum Sent {
        case bytes(Int)
        case wouldBlock
        case failed
    }

    /// Its data can be routed: no handshake is running.
    var isRouted: Bool { !(tls?.isHandshaking ?? false) }

    /// What to poll for: `reading` (not paused) and, with bytes queued, writing.
    /// A TLS call that waits for the other event is polled for that one.
    func pollEvents(reading: Bool) -> PollEvents {
        guard let tls else {
            var events: PollEvents = reading ? .readable : []
            if !outgoing.isEmpty { events.insert(.writable) }
            return events
        }
        if let waits = tls.handshakeWaits { return waits == .wantsWrite ? .writable : .readable }
        var events: PollEvents = []
        if reading { events.insert(tls.readWaits == .wantsWrite ? .writable : .readable) }
        if !outgoing.isEmpty { events.insert(tls.writeWaits == .wantsRead ? .readable : .writable) }
        return events
    }

    /// What poll(2) reported, as what to try: `.writable` to flush,
    /// `.readable`/`.hangUp` to read. A TLS session may also hold input
    /// that poll cannot see.
    func readiness(_ reported: PollEvents, reading: Bool) -> PollEvents {
        guard let tls else { return reported }
        var ready: PollEvents = reported.intersection(.hangUp)
        if reported.contains(tls.writeWaits == .wantsRead ? .readable : .writable) { ready.insert(.writable) }
        if reported.contains(tls.readWaits == .wantsWrite ? .writable : .readable) { ready.insert(.readable) }
        if reading && tls.mayHoldMoreInput { ready.insert(.readable) }
        return ready
    }

    func receive(into buffer: UnsafeMutableRawBufferPointer) -> Received {
        guard let tls else {
            switch Result(catching: { () throws(SyscallError) in try socket.read(into: buffer) }) {
            case .success(.done(0)), .failure: return .ended
            case .success(.done(let count)): return .bytes(count)
            case .success(.wouldBlock): return .nothingYet
            }
        }
        // A post-handshake message may be handled with whole records still
        // in the read-ahead buffer behind it: read on, a bounded number of times.
        for _ in 0..<8 {
            let result: TLSReadResult
            do { result = try tls.session.read(into: buffer) } catch {
                tls.failure = "\(error)"
                return .ended
            }
            switch result {
            case .bytes(let count):
                tls.readWaits = .done
                return .bytes(count)
            case .blocked(let progress):
                tls.readWaits = progress
                if progress == .wantsRead && tls.session.hasPending { continue }
                return .nothingYet
            case .closed, .truncated:
                return .ended
            }
        }
        return .nothingYet
    }

    func transmit(_ bytes: UnsafeRawBufferPointer) -> Sent {
        guard let tls else {
            switch Result(catching: { () throws(SyscallError) in try socket.write(bytes) }) {
            case .success(.done(let count)): return .bytes(count)
            case .success(.wouldBlock): return .wouldBlock
            case .failure: return .failed
            }
        }
        do {
            switch try tls.session.write(bytes) {
            case .bytes(let count):
                tls.writeWaits = .done
                return .bytes(count)
            case .blocked(let progress):
                tls.writeWaits = progress
                return .wouldBlock
            }
        } catch {
            tls.failure = "\(error)"
            return .failed
        }
    }

    /// The end of what the broker sends it: shutdown(2) SHUT_WR, or over
    /// TLS a close_notify. Returns false if that failed.
    func endSending() -> Bool {
        guard let tls else {
            do { try socket.shutdown(.write) } catch { return false }
            return true
        }
        do { _ = try tls.session.sendCloseNotify() } catch { return false }
        return true
    }
}
