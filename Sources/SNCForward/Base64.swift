import Foundation

/// Standard base64 (RFC 4648 §4), as known_hosts and key files use it.
/// Foundation's codec does the work; this only fixes the two conventions
/// snc needs on top: unpadded output (OpenSSH's `SHA256:` fingerprints) and
/// whitespace inside armored key bodies.
package enum Base64 {
    package static func encode(_ bytes: [UInt8], padded: Bool = true) -> String {
        let text = Data(bytes).base64EncodedString()
        return padded ? text : String(text.prefix { $0 != "=" })
    }

    /// Decodes, ignoring whitespace; nil on any other bad character or length.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        // Bytes, not Characters: "\r\n" is one Character in Swift, so a
        // Character filter would let a lone "\n" through.
        let whitespace: Set<UInt8> = [9, 10, 13, 32]
        let compact = text.utf8.filter { !whitespace.contains($0) }
        guard let data = Data(base64Encoded: Data(compact)) else { return nil }
        return Array(data)
    }
}
