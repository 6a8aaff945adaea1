import Crypto

/// The receiving side of `--verify`: strips the header, passes the data on
/// while hashing it, holds back the last `VerifyTrailer.length` bytes (they
/// may be the trailer) and, at the end, compares. When the stream turns out
/// not to be framed or to be cut short, the held bytes are data after all
/// and are released: nothing received is lost.
package struct VerifyReceiver: StreamFraming {
    /// What the end of the stream showed.
    package enum Verdict: Equatable {
        case verified(bytes: Int, digest: String)
        case mismatch(bytes: Int, received: String, sent: String)
        /// The header came, the trailer did not: the stream was cut short.
        case truncated(bytes: Int)
        /// The stream did not start with the header: the peer does not use `--verify`.
        case unframed(bytes: Int)
    }

    private enum Stage {
        case header([UInt8])
        case body
        case unframed
    }

    private var stage = Stage.header([])
    private var hasher = SHA256()
    private var tail: [UInt8] = []
    /// Data bytes released to the output (header and trailer excluded).
    private var dataBytes = 0
    package private(set) var verdict: Verdict?

    package init() {}

    package mutating func take(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        var rest = bytes[...]
        if case .header(var seen) = stage {
            let needed = VerifyTrailer.header.count - seen.count
            seen.append(contentsOf: rest.prefix(needed))
            rest = rest.dropFirst(needed)
            if !VerifyTrailer.header.starts(with: seen) {
                stage = .unframed
                release(seen, into: &output, hashing: false)
            } else if seen.count == VerifyTrailer.header.count {
                stage = .body
            } else {
                stage = .header(seen)
                return
            }
        }
        guard !rest.isEmpty else { return }
        if case .unframed = stage {
            release(UnsafeRawBufferPointer(rebasing: rest), into: &output, hashing: false)
            return
        }
        // Hold back the last trailer-length bytes of everything seen so far.
        let total = tail.count + rest.count
        let releasable = total - VerifyTrailer.length
        guard releasable > 0 else {
            tail.append(contentsOf: rest)
            return
        }
        let fromTail = min(releasable, tail.count)
        if fromTail > 0 {
            release(tail[..<fromTail], into: &output, hashing: true)
            tail.removeFirst(fromTail)
        }
        let fromRest = releasable - fromTail
        if fromRest > 0 {
            release(UnsafeRawBufferPointer(rebasing: rest.prefix(fromRest)), into: &output, hashing: true)
        }
        tail.append(contentsOf: rest.dropFirst(fromRest))
    }

    package mutating func finish(into output: inout [UInt8]) {
        guard verdict == nil else { return }
        switch stage {
        case .header(let seen):
            // Part of the header (or nothing) arrived: cut short before any data.
            release(seen, into: &output, hashing: false)
            verdict = .truncated(bytes: dataBytes)
        case .unframed:
            verdict = .unframed(bytes: dataBytes)
        case .body:
            guard let sent = VerifyTrailer.digestHex(inTrailer: tail) else {
                release(tail, into: &output, hashing: false)
                tail = []
                verdict = .truncated(bytes: dataBytes)
                return
            }
            let received = VerifyTrailer.hex(hasher.finalize())
            verdict = received == sent ? .verified(bytes: dataBytes, digest: received)
                : .mismatch(bytes: dataBytes, received: received, sent: sent)
        }
    }

    private mutating func release(_ bytes: some Collection<UInt8>, into output: inout [UInt8], hashing: Bool) {
        if hashing { Array(bytes).withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        dataBytes += bytes.count
        output.append(contentsOf: bytes)
    }

    private mutating func release(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8], hashing: Bool) {
        if hashing { hasher.update(bufferPointer: bytes) }
        dataBytes += bytes.count
        output.append(contentsOf: bytes)
    }
}
