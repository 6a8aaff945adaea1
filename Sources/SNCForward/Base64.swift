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
        let compact = text.filter { !" \t\r\n".contains($0) }
        guard let data = Data(base64Encoded: String(compact)) else { return nil }
        return Array(data)
    }
}
