import COpenSSL

/// A certificate's SHA-256 fingerprint, as snc prints it and as
/// `--ssl-fingerprint` takes it: `SHA256:` and unpadded base64, the form
/// OpenSSH uses for host keys. The hex form that `openssl x509 -fingerprint
/// -sha256` prints (with or without colons) is accepted too.
package struct TLSFingerprint: Sendable, Equatable, CustomStringConvertible {
    package let digest: [UInt8]

    package init(digest: [UInt8]) {
        self.digest = digest
    }

    /// Parses `SHA256:base64` or 64 hex digits (colons allowed); nil if neither.
    package init?(parsing text: String) {
        let bytes = Array(text.utf8)
        let prefix = Array("SHA256:".utf8)
        if bytes.count > prefix.count, bytes[..<prefix.count].elementsEqual(prefix, by: { $0 | 0x20 == $1 | 0x20 }) {
            guard let digest = Self.decodeBase64(Array(bytes[prefix.count...])), digest.count == 32 else { return nil }
            self.digest = digest
            return
        }
        let hex = bytes.filter { $0 != UInt8(ascii: ":") }
        guard hex.count == 64 else { return nil }
        var digest: [UInt8] = []
        var index = 0
        while index < hex.count {
            guard let high = Self.hexValue(hex[index]), let low = Self.hexValue(hex[index + 1]) else { return nil }
            digest.append(high << 4 | low)
            index += 2
        }
        self.digest = digest
    }

    /// `SHA256:` and the digest in base64 without the trailing `=`.
    package var description: String {
        var encoded = [UInt8](repeating: 0, count: 4 * ((digest.count + 2) / 3) + 1)
        let length = EVP_EncodeBlock(&encoded, digest, CInt(digest.count))
        let text = encoded.prefix(Int(max(length, 0))).filter { $0 != UInt8(ascii: "=") }
        return "SHA256:" + String(decoding: text, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Base64 with or without padding (`EVP_DecodeBlock(3)`, which needs the
    /// padding back and counts it in its result).
    private static func decodeBase64(_ text: [UInt8]) -> [UInt8]? {
        let alphabet = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8))
        var body = text
        while body.last == UInt8(ascii: "=") { body.removeLast() }
        guard !body.isEmpty, body.allSatisfy({ alphabet.contains($0) }), body.count % 4 != 1 else { return nil }
        let padding = (4 - body.count % 4) % 4
        let padded = body + [UInt8](repeating: UInt8(ascii: "="), count: padding)
        var decoded = [UInt8](repeating: 0, count: padded.count / 4 * 3)
        let length = EVP_DecodeBlock(&decoded, padded, CInt(padded.count))
        guard length >= 0 else { return nil }
        return Array(decoded.prefix(Int(length) - padding))
    }
}
