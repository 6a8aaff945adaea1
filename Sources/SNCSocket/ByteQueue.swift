/// An unbounded first-in, first-out queue of bytes waiting for a socket
/// (a broker client's outgoing data, what libssh2 sent that the kernel has
/// not taken yet). Its owner bounds it from outside, by not adding while it
/// is above a high-water mark.
package struct ByteQueue {
    private var storage: [UInt8] = []
    private var head = 0
    /// An emptied queue keeps its allocation up to this size, so a busy
    /// connection does not reallocate for every burst.
    private let retainedCapacity: Int
    /// Sent bytes are cut from the front once at least this many have gone
    /// and they are at least half the storage, so memory follows the queue
    /// without copying on every send.
    private let compactionThreshold: Int

    package init(retainedCapacity: Int = 1 << 20, compactionThreshold: Int = 64 << 10) {
        self.retainedCapacity = retainedCapacity
        self.compactionThreshold = compactionThreshold
    }

    package var count: Int { storage.count - head }
    package var isEmpty: Bool { head == storage.count }

    package mutating func append<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        storage.append(contentsOf: bytes)
    }

    /// Calls `body` with the queued bytes; it returns how many it used.
    package mutating func withReadable<Result>(_ body: (UnsafeRawBufferPointer) throws -> (used: Int, result: Result)) rethrows -> Result {
        let (used, result) = try storage.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[head...]))
        }
        consume(used)
        return result
    }

    package mutating func consume(_ used: Int) {
        head += used
        if head == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= retainedCapacity)
            head = 0
        } else if head >= compactionThreshold, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }
}
