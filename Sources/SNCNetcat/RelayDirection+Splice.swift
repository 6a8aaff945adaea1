import SystemPackage
import SNCSocket
import Glibc

/// splice(2): straight across when both ends can be spliced, or through
/// snc's own pipe when one end is a socket and the other is not a pipe. An
/// end that refuses (EINVAL) turns the direction to memory staging.
extension RelayDirection {
    func pumpDirect(_ socket: borrowing Socket) -> Int {
        guard state == .open, sourceReady, sinkReady else { return 0 }
        let (source, sink) = networkEnd == .source ? (socket.descriptor, local) : (local, socket.descriptor)
        do {
            switch try Splice.move(from: source, to: sink, count: Self.spliceChunk, call: calls.splice) {
            case .done(0):
                sourceEnded()
                return 0
            case .done(let count):
                moved += count
                return count
            case .wouldBlock:
                // Either end may be the one that is not ready; poll finds out which.
                sourceReady = false
                sinkReady = false
                return 0
            }
        } catch {
            if error.errno == .invalidArgument {
                // This pair cannot be spliced; nothing was moved, so copy from here on.
                staging = .memory(ByteBuffer(capacity: Self.memoryCapacity))
                return 0
            }
            // splice(2) between stdin/stdout and the socket: its errno does not say which end failed.
            fail(error, onSocket: nil)
            return 0
        }
    }

    func pumpThroughPipe(_ stage: PipeStage, _ socket: borrowing Socket) -> Int {
        var progress = 0
        let (source, sink) = networkEnd == .source ? (socket.descriptor, local) : (local, socket.descriptor)
        if state == .open, sourceReady, !stage.full {
            do {
                switch try Splice.move(from: source, to: stage.pipe.writeEnd, count: Self.spliceChunk, call: calls.splice) {
                case .done(0):
                    sourceEnded()
                case .done(let count):
                    stage.buffered += count
                    progress += count
                    if networkEnd == .sink { usedLocal() }
                case .wouldBlock:
                    if stage.buffered > 0 { stage.full = true } else { sourceReady = false }
                }
            } catch {
                if error.errno == .invalidArgument && stage.buffered == 0 {
                    staging = .memory(ByteBuffer(capacity: Self.memoryCapacity))
                    return progress
                }
                // The private pipe does not fail: the source did.
                fail(error, onSocket: networkEnd == .source)
            }
        }
        if stage.buffered > 0, sinkReady {
            do {
                switch try Splice.move(from: stage.pipe.readEnd, to: sink, count: stage.buffered, call: calls.splice) {
                case .done(let count):
                    stage.buffered -= count
                    stage.full = false
                    moved += count
                    progress += count
                    if networkEnd == .source { usedLocal() }
                case .wouldBlock:
                    sinkReady = false
                }
            } catch {
                if error.errno == .invalidArgument {
                    moveToMemory(stage)
                    return progress
                }
                fail(error, onSocket: networkEnd == .sink)
            }
        }
        if state == .draining && stage.buffered == 0 { state = .closed }
        return progress
    }

    /// The sink refuses splice(2) (an O_APPEND file, say) after bytes are in
    /// snc's pipe: read them back into memory and copy from now on.
    private func moveToMemory(_ stage: PipeStage) {
        let buffer = ByteBuffer(capacity: max(Self.memoryCapacity, stage.buffered))
        while stage.buffered > 0 {
            guard case .done(let count) = try? Descriptor.read(stage.pipe.readEnd, into: buffer.writable, call: calls.read), count > 0 else { break }
            buffer.commit(count)
            stage.buffered -= count
        }
        staging = .memory(buffer)
    }
}
