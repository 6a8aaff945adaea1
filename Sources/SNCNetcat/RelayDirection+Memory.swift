import SystemPackage
import SNCSocket
import Glibc

/// read(2)/write(2) through a `ByteBuffer`: for terminals, `-C`, the log
/// files, UDP, and pairs splice(2) refuses.
extension RelayDirection {
    func pumpThroughMemory(_ buffer: ByteBuffer, _ socket: borrowing Socket) -> Int {
        var progress = 0
        if state == .open, sourceReady, hasRoom {
            do {
                switch try fill(buffer, socket) {
                case .done(let count):
                    progress += count
                    if networkEnd == .sink { usedLocal() }
                case .wouldBlock:
                    sourceReady = false
                }
            } catch {
                // fill(2) reads the socket exactly when it is this direction's source.
                fail(error, onSocket: networkEnd == .source)
            }
        }
        if !buffer.isEmpty, sinkReady {
            do {
                switch try drain(buffer, socket) {
                case .done(let count):
                    moved += count
                    progress += count
                    if networkEnd == .source && !discards { usedLocal() }
                case .wouldBlock:
                    sinkReady = false
                }
            } catch {
                fail(error, onSocket: networkEnd == .sink)
            }
        }
        if state == .draining && buffer.isEmpty { state = .closed }
        return progress
    }

    /// Reads once into `buffer`. End of file changes the state and counts as `.done(0)`.
    private func fill(_ buffer: ByteBuffer, _ socket: borrowing Socket) throws(SyscallError) -> IOResult<Int> {
        if networkEnd == .source {
            if let datagram { return try receiveDatagram(into: buffer, socket, peer: datagram) }
            guard case .done(let count) = try socket.read(into: buffer.writable, call: calls.read) else { return .wouldBlock }
            if count == 0 { sourceEnded() }
            return record(buffer, committing: count)
        }
        if crlf { return try fillExpandingNewlines(buffer) }
        var target = buffer.writable
        if datagram != nil { target = UnsafeMutableRawBufferPointer(rebasing: target.prefix(Self.largestDatagram)) }
        guard case .done(let count) = try Descriptor.read(local, into: target, call: calls.read) else { return .wouldBlock }
        if count == 0 { sourceEnded() }
        return record(buffer, committing: count)
    }

    /// `-C`: reads at most half the free space, then writes each bare "\n" as "\r\n".
    private func fillExpandingNewlines(_ buffer: ByteBuffer) throws(SyscallError) -> IOResult<Int> {
        let limit = min(buffer.freeSpace / 2, datagram == nil ? Int.max : Self.largestDatagram / 2)
        var scratch = [UInt8](repeating: 0, count: limit)
        let result = scratch.withUnsafeMutableBytes { raw in
            Result { () throws(SyscallError) in try Descriptor.read(local, into: raw, call: calls.read) }
        }
        guard case .done(let count) = try result.get() else { return .wouldBlock }
        if count == 0 {
            sourceEnded()
            return .done(0)
        }
        var expanded: [UInt8] = []
        expanded.reserveCapacity(RelayLineEndings.expandedLimit(of: count))
        lineEndings.expand(scratch[..<count], into: &expanded)
        expanded.withUnsafeBytes { buffer.append($0) }
        logChunk(UnsafeRawBufferPointer(rebasing: buffer.readable.suffix(expanded.count)))
        return .done(count)
    }

    func record(_ buffer: ByteBuffer, committing count: Int) -> IOResult<Int> {
        let before = buffer.count
        buffer.commit(count)
        logChunk(UnsafeRawBufferPointer(rebasing: buffer.readable[before...]))
        return .done(count)
    }

    private func logChunk(_ bytes: UnsafeRawBufferPointer) {
        guard let log, logFailure == nil, !bytes.isEmpty else { return }
        do { try log.record(bytes) } catch { logFailure = error }
    }

    /// Writes once from `buffer`.
    private func drain(_ buffer: ByteBuffer, _ socket: borrowing Socket) throws(SyscallError) -> IOResult<Int> {
        if discards {
            let count = buffer.count
            buffer.consume(count)
            return .done(count)
        }
        let result: IOResult<Int>
        if networkEnd == .sink {
            if let datagram {
                result = try sendDatagram(from: buffer, socket, peer: datagram)
            } else {
                result = try socket.write(buffer.readable, call: calls.send)
            }
        } else {
            result = try Descriptor.write(local, buffer.readable, call: calls.write)
        }
        if case .done(let count) = result { buffer.consume(count) }
        return result
    }
}
