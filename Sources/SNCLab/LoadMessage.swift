import Crypto

/// The message every load client sends, and the receipt it must get back.
///
/// Generated messages differ per client, so each receipt proves that the
/// server hashed that client's own bytes: a shared body of filler text ends
/// with a stamp naming the client ("client 000000000042\n"). Because the
/// stamp comes last, the SHA-256 state after the shared body is computed once
/// and each client only hashes its 20-byte stamp. A message from a file is
/// sent as it is by every client.
package struct LoadMessage: Sendable {
    /// The bytes every client sends first (shared, never copied per client).
    package let body: [UInt8]
    private let bodyHash: FrozenHash
    /// Whether a per-client stamp follows the body.
    private let stamped: Int?
    /// `--message-end line`: each message is sent as one line, ended by a
    /// newline that is not part of it (so the message holds no newline).
    package let isOneLine: Bool

    static let stampLength = 20

    /// A generated message of exactly `size` bytes (one line of them when `oneLine`).
    package init(size: Int, oneLine: Bool = false) {
        let filler = Array("abcdefghijklmnopqrstuvwxyz0123456789 the quick brown fox jumps over the lazy dog\(oneLine ? " " : "\n")".utf8)
        let bodyLength = max(0, size - Self.stampLength)
        var body = [UInt8]()
        body.reserveCapacity(bodyLength)
        while body.count < bodyLength { body.append(contentsOf: filler.prefix(bodyLength - body.count)) }
        self.body = body
        var hash = SHA256()
        hash.update(data: body)
        bodyHash = FrozenHash(state: hash)
        stamped = min(size, Self.stampLength)
        isOneLine = oneLine
    }

    /// The given bytes, the same for every client (as one line when
    /// `oneLine`: the caller makes sure they hold no newline).
    package init(fixed bytes: [UInt8], oneLine: Bool = false) {
        body = bytes
        var hash = SHA256()
        hash.update(data: bytes)
        bodyHash = FrozenHash(state: hash)
        stamped = nil
        isOneLine = oneLine
    }

    package var size: Int { body.count + (stamped ?? 0) }

    /// The bytes client `index` sends after the body (empty for fixed messages).
    package func stamp(for index: Int) -> [UInt8] {
        guard let stamped else { return [] }
        var digits = String(index % 1_000_000_000_000)
        while digits.count < 12 { digits = "0" + digits }
        let full = Array("client \(digits)\(isOneLine ? "." : "\n")".utf8)
        // A message shorter than a stamp is the stamp's last bytes, so the count still varies.
        return Array(full.suffix(stamped))
    }

    /// What a client sends after the body: its stamp, then the newline that
    /// ends a one-line message.
    package func tail(after stamp: [UInt8]) -> [UInt8] {
        isOneLine ? stamp + [0x0A] : stamp
    }

    /// The receipt line client `index` must read back, newline included.
    package func expectedReceipt(for stamp: [UInt8]) -> [UInt8] {
        var hash = bodyHash.state
        hash.update(data: stamp)
        return Array(LabProtocol.receiptLine(byteCount: body.count + stamp.count, digest: hash.finalize()).utf8)
    }
}

/// The SHA-256 state after a message's shared body, read by every client thread.
///
/// `SHA256` is not Sendable because it is copy-on-write over a class. This
/// one is never mutated after it is made: every client copies it and
/// updates the copy, and copy-on-write duplicates the class before that
/// first update (the reference is not unique while this value holds it).
/// So threads only ever read the shared state, which makes it safe to share.
private struct FrozenHash: @unchecked Sendable {
    let state: SHA256
}
