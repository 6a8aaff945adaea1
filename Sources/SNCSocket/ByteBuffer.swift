/// A fixed-size buffer of bytes waiting to be written: data is appended at
/// the end and consumed from the front. Its capacity bounds how much one
/// relay direction (netcat's relay, a forwarded connection) holds in memory:
/// when it is full, the side that fills it is not read.
package final class ByteBuffer {
    private let storage: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0

    package init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        storage.deallocate()
    }

    package var capacity: Int { storage.count }
    package var count: Int { end - start }
    package var isEmpty: Bool { start == end }
    package var freeSpace: Int { capacity - count }

    /// Whether `writable` has room (after moving the data to the front).
    package var hasSpace: Bool { count < capacity }

    /// The bytes waiting to be written. After a short or refused write the
    /// next call sees the same bytes first, as libssh2's channel write requires.
    package var readable: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage[start..<end])
    }

    /// Room after the data to read into, moving the data to the front first
    /// when that is the only way to make room.
    package var writable: UnsafeMutableRawBufferPointer {
        if start == end {
            start = 0
            end = 0
        } else if end == capacity, start > 0 {
            compact()
        }
        return UnsafeMutableRawBufferPointer(rebasing: storage[end...])
    }

    /// Marks `count` bytes of `writable` as filled.
    package func commit(_ count: Int) {
        end += count
    }

    /// Drops `count` bytes from the front once written.
    package func consume(_ count: Int) {
        start += count
        if start == end {
            start = 0
            end = 0
        }
    }

    /// Moves the data to the front, so all free space is at the end.
    private func compact() {
        let count = self.count
        // copyMemory has memmove's semantics: the two ranges may overlap.
        UnsafeMutableRawBufferPointer(rebasing: storage[0..<count])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[start..<end]))
        start = 0
        end = count
    }

    /// Copies `bytes` in; the caller has checked that they fit in `freeSpace`.
    package func append(_ bytes: UnsafeRawBufferPointer) {
        var target = writable
        if target.count < bytes.count {
            compact()
            target = UnsafeMutableRawBufferPointer(rebasing: storage[end...])
        }
        let length = min(bytes.count, target.count)
        target.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[..<length]))
        end += length
    }

    /// Copies `bytes` in if they fit (a SOCKS reply, bytes read with a
    /// request); false, and nothing copied, when they do not.
    package func appendIfFits(_ bytes: [UInt8]) -> Bool {
        guard bytes.count <= freeSpace else { return false }
        bytes.withUnsafeBytes { append($0) }
        return true
    }
}
