/// An unbounded first-in, first-out queue of bytes for one broker client.
/// The broker bounds it from outside (`SlowClientRule`): it stops reading
/// while any client's queue is above the high-water mark, and drops a client
/// whose queue stays there.
struct ByteQueue {
    private var storage: [UInt8] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }

    mutating func append<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        storage.append(contentsOf: bytes)
    }

    /// Calls `body` with the queued bytes; it returns how many it used.
    mutating func withReadable<Result>(_ body: (UnsafeRawBufferPointer) throws -> (used: Int, result: Result)) rethrows -> Result {
        let (used, result) = try storage.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[head...]))
        }
        consume(used)
        return result
    }

    mutating func consume(_ used: Int) {
        head += used
        if head == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= 1 << 20)
            head = 0
        } else if head >= 64 << 10, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }
}
