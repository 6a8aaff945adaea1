import SNCSocket
import SystemPackage
import Glibc

/// One direction of a `CopyingRelay`: read(2) from `source` into memory,
/// through a `StreamFraming`, then write(2) to `sink`. The memory path is
/// deliberate: `--verify` hashes every byte and a pty is not splice-able.
final class CopyingDirection<Framing: StreamFraming> {
    /// The descriptors are borrowed (stdin, stdout, a socket or a pty master).
    let source: CInt
    let sink: CInt
    /// How errors name the two ends ("stdin", "the network").
    let sourceName: String
    let sinkName: String
    var framing: Framing
    /// A pseudo-terminal master reads EIO once the last slave descriptor is
    /// closed (the program has exited): for it, EIO is end of file.
    let sourceIsTerminal: Bool

    /// Read no more while this much is waiting to be written (backpressure).
    static var capacity: Int { 256 * 1024 }
    private static var chunkSize: Int { 64 * 1024 }

    private var pending: [UInt8] = []
    private var written = 0
    private(set) var sourceEnded = false
    /// Bytes read from the source, before framing.
    private(set) var bytesRead = 0
    private(set) var readFailure: SyscallError?
    private(set) var writeFailure: SyscallError?

    init(source: CInt, sink: CInt, sourceName: String, sinkName: String, framing: Framing, sourceIsTerminal: Bool = false) {
        self.source = source
        self.sink = sink
        self.sourceName = sourceName
        self.sinkName = sinkName
        self.framing = framing
        self.sourceIsTerminal = sourceIsTerminal
    }

    var wantsRead: Bool { !sourceEnded && pending.count - written < Self.capacity }
    var wantsWrite: Bool { written < pending.count && writeFailure == nil }
    /// The source has ended and everything owed to the sink is written (or cannot be).
    var isFinished: Bool { sourceEnded && (written == pending.count || writeFailure != nil) }
    /// Finished without a read or write failure.
    var endedCleanly: Bool { isFinished && readFailure == nil && writeFailure == nil }

    /// One read(2); false if nothing came (EAGAIN).
    func readOnce() -> Bool {
        guard wantsRead else { return false }
        var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
        let source = self.source
        let result: IOResult<Int>
        do {
            result = try chunk.withUnsafeMutableBytes { raw in
                Result { () throws(SyscallError) in try Descriptor.read(source, into: raw) }
            }.get()
        } catch {
            if !(sourceIsTerminal && error.errno == .ioError) { readFailure = error }
            end()
            return true
        }
        guard case .done(let count) = result else { return false }
        if count == 0 {
            end()
            return true
        }
        bytesRead += count
        chunk.withUnsafeBytes { framing.take(UnsafeRawBufferPointer(rebasing: $0[..<count]), into: &pending) }
        return true
    }

    /// One write(2) of what is waiting; false if the sink was full (EAGAIN).
    func writeOnce() -> Bool {
        guard wantsWrite else { return false }
        let (sink, offset) = (self.sink, self.written)
        let result: IOResult<Int>
        do {
            result = try pending.withUnsafeBytes { raw in
                Result { () throws(SyscallError) in try Descriptor.write(sink, UnsafeRawBufferPointer(rebasing: raw[offset...])) }
            }.get()
        } catch {
            // Nothing more can reach the sink: the direction is over (its
            // source is not read further, and the framing owes nothing more).
            writeFailure = error
            sourceEnded = true
            return true
        }
        guard case .done(let count) = result else { return false }
        written += count
        if written == pending.count {
            pending.removeAll(keepingCapacity: true)
            written = 0
        } else if written >= Self.capacity {
            pending.removeFirst(written)
            written = 0
        }
        return true
    }

    /// The source has ended (or is given up on, such as a terminal stdin at
    /// the peer's end): the framing releases what it holds, once.
    func end() {
        guard !sourceEnded else { return }
        sourceEnded = true
        framing.finish(into: &pending)
    }
}
