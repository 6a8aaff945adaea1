/// Bytes read from the SSH socket ahead of libssh2's requests.
///
/// libssh2 1.10 asks its receive callback for at most its 16 KiB packet
/// buffer at a time, so a 32 KiB packet took two or three recv(2) calls,
/// each followed by TCP_QUICKACK. One recv into this buffer serves many of
/// those requests from memory. What it holds is invisible to poll(2), so
/// the session reports it as buffered input; libssh2 drains its reads to
/// EAGAIN, which the callback returns only once this buffer is empty.
final class ReadAhead {
    static let capacity = 256 << 10

    private let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: ReadAhead.capacity, alignment: 16)
    private var start = 0
    private var end = 0

    deinit {
        storage.deallocate()
    }

    var isEmpty: Bool { start == end }

    /// Fills the empty buffer with `read` (which returns a count, 0 or -1, as
    /// recv(2)); returns what `read` returned.
    func refill(_ read: (UnsafeMutableRawPointer, Int) -> Int) -> Int {
        start = 0
        end = 0
        guard let base = storage.baseAddress else { return 0 }
        let count = read(base, storage.count)
        if count > 0 { end = count }
        return count
    }

    /// Copies up to `length` buffered bytes to `destination`; returns how many.
    func take(into destination: UnsafeMutableRawPointer?, length: Int) -> Int {
        let count = min(length, end - start)
        guard count > 0, let destination, let base = storage.baseAddress else { return 0 }
        destination.copyMemory(from: base + start, byteCount: count)
        start += count
        return count
    }
}
