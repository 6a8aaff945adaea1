import Crypto

/// The sending side of `--verify`: the header first, every byte hashed on
/// its way out, and the trailer with the SHA-256 once the source has ended.
package struct VerifySender: StreamFraming {
    private var hasher = SHA256()
    private var headerSent = false

    package init() {}

    package mutating func take(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        sendHeader(into: &output)
        hasher.update(bufferPointer: bytes)
        output.append(contentsOf: bytes)
    }

    package mutating func finish(into output: inout [UInt8]) {
        sendHeader(into: &output)
        output.append(contentsOf: VerifyTrailer.trailer(digest: hasher.finalize()))
    }

    private mutating func sendHeader(into output: inout [UInt8]) {
        guard !headerSent else { return }
        headerSent = true
        output.append(contentsOf: VerifyTrailer.header)
    }
}
