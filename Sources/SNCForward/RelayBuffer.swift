/// A fixed-size byte buffer between two endpoints: bytes enter at the tail
/// and leave from the head. Its capacity is the relay's backpressure bound:
/// when it is full, snc stops reading the side that fills it.
final class RelayBuffer {
    private let storage: UnsafeMutableRawBufferPointer
    private var head = 0
    private var tail = 0

    init(capacity: Int) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    var isEmpty: Bool { head == tail }
    var count: Int { tail - head }
    var hasSpace: Bool { tail < storage.count || head > 0 }

    /// The bytes waiting to leave. After a short or refused write the next
    /// call sees the same bytes first, as libssh2's channel write requires.
    var readable: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[head..<tail]) }

    /// Room at the tail, moving the waiting bytes to the front first if that
    /// makes more room (their order and content do not change).
    var writable: UnsafeMutableRawBufferPointer {
        if head > 0 && (tail == storage.count || head >= storage.count / 2) {
            if tail > head, let base = storage.baseAddress {
                base.copyMemory(from: base + head, byteCount: tail - head)
            }
            tail -= head
            head = 0
        }
        return UnsafeMutableRawBufferPointer(rebasing: storage[tail...])
    }

    func didWrite(_ count: Int) { tail += count }

    func didRead(_ count: Int) {
        head += count
        if head == tail { head = 0; tail = 0 }
    }
}

extension RelayBuffer {
    /// Adds `bytes` at the tail (SOCKS replies, bytes read with a request);
    /// false when they do not fit, which a handshake's few bytes always do
    /// in a fresh buffer.
    func append(_ bytes: [UInt8]) -> Bool {
        let space = writable
        guard space.count >= bytes.count else { return false }
        bytes.withUnsafeBytes { space.copyMemory(from: $0) }
        didWrite(bytes.count)
        return true
    }
}
