import Crypto

/// The message of one served client, hashed as its bytes arrive, and where
/// it ends: at the client's end of file (`--message-end eof`), or at its
/// first newline (`--message-end line`, where the newline and one carriage
/// return before it are not part of the message).
package struct MessageReader {
    package let end: MessageEnd
    /// Bytes of the message so far (what the receipt counts).
    package private(set) var byteCount = 0
    /// True once the message's newline has arrived (line mode only).
    package private(set) var isComplete = false
    private var hasher = SHA256()
    /// Line mode: a read that ended in 0x0D leaves it here, since the next
    /// byte decides whether it belongs to the message or to the line end.
    private var heldCarriageReturn = false

    package init(end: MessageEnd) {
        self.end = end
    }

    /// Takes the bytes of one read; returns true when they complete the
    /// message. Bytes after the newline are not part of it.
    package mutating func take(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !isComplete else { return true }
        guard end == .line else {
            add(bytes)
            return false
        }
        if let newline = bytes.firstIndex(of: 0x0A) {
            var line = UnsafeRawBufferPointer(rebasing: bytes[0..<newline])
            if line.isEmpty {
                // A held CR right before the newline was the line end's, not data.
                if heldCarriageReturn { byteCount -= 1 }
                heldCarriageReturn = false
            } else {
                releaseCarriageReturn()
                if line.last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
                add(line)
            }
            isComplete = true
            return true
        }
        guard !bytes.isEmpty else { return false }
        releaseCarriageReturn()
        if bytes.last == 0x0D {
            add(UnsafeRawBufferPointer(rebasing: bytes.dropLast()))
            heldCarriageReturn = true
            byteCount += 1
        } else {
            add(bytes)
        }
        return false
    }

    /// The receipt line for the message as it stands (at the newline or
    /// the end of file; a carriage return held at end of file is data).
    package mutating func receipt() -> String {
        releaseCarriageReturn()
        return LabProtocol.receiptLine(byteCount: byteCount, digest: hasher.finalize())
    }

    private mutating func add(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
        byteCount += bytes.count
    }

    /// Hashes a held carriage return that turned out to be data. It was
    /// counted when it arrived, so a message over --max-message is seen at once.
    private mutating func releaseCarriageReturn() {
        guard heldCarriageReturn else { return }
        heldCarriageReturn = false
        var carriageReturn: UInt8 = 0x0D
        withUnsafeBytes(of: &carriageReturn) { hasher.update(bufferPointer: $0) }
    }
}
