#if canImport(Glibc)
import Glibc
#endif

/// What snc can learn about a private key file without decrypting it:
/// whether it is encrypted, and its public key (from the OpenSSH format's
/// clear header, or the `.pub` file beside it).
package struct IdentityFile: Sendable {
    package let path: String
    /// The `.pub` file, when one exists beside the key.
    package let publicKeyPath: String?
    package let encrypted: Bool
    /// The public key in SSH wire format, if known.
    package let publicKeyBlob: [UInt8]?

    /// The key's algorithm ("ssh-ed25519", "ssh-rsa"), if known.
    package var algorithm: String? { publicKeyBlob.flatMap { KnownHostsEntry.algorithm(ofBlob: $0) } }

    /// Reads a key file; nil if it cannot be read.
    package init?(path: String) {
        guard access(path, R_OK) == 0, let text = SSHConfigParser.readFile(path) else { return nil }
        self.init(path: path, contents: text, publicKeyText: SSHConfigParser.readFile(path + ".pub"))
    }

    package init(path: String, contents text: String, publicKeyText: String?) {
        self.path = path
        var blobFromPublic: [UInt8]?
        if let publicKeyText {
            let fields = publicKeyText.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            if fields.count >= 2 { blobFromPublic = Base64.decode(fields[1]) }
        }
        publicKeyPath = publicKeyText == nil ? nil : path + ".pub"
        if let body = Self.armoredBody(text, label: "OPENSSH PRIVATE KEY"), let bytes = Base64.decode(body) {
            let parsed = Self.parseOpenSSH(bytes)
            encrypted = parsed.encrypted
            publicKeyBlob = parsed.publicKey ?? blobFromPublic
        } else {
            // PEM: "Proc-Type: 4,ENCRYPTED" (traditional) or PKCS#8 "ENCRYPTED PRIVATE KEY".
            encrypted = text.contains("ENCRYPTED")
            publicKeyBlob = blobFromPublic
        }
    }

    /// The base64 between `-----BEGIN label-----` and `-----END label-----`.
    private static func armoredBody(_ text: String, label: String) -> Substring? {
        guard let begin = text.range(of: "-----BEGIN \(label)-----"),
              let end = text.range(of: "-----END \(label)-----", range: begin.upperBound..<text.endIndex) else { return nil }
        return text[begin.upperBound..<end.lowerBound]
    }

    /// PROTOCOL.key: "openssh-key-v1\0", string cipher, string kdf, string
    /// kdf options, uint32 count, then the public keys in the clear.
    private static func parseOpenSSH(_ bytes: [UInt8]) -> (encrypted: Bool, publicKey: [UInt8]?) {
        let magic = Array("openssh-key-v1".utf8) + [0]
        guard bytes.count > magic.count, Array(bytes[0..<magic.count]) == magic else { return (false, nil) }
        var reader = WireReader(bytes: bytes, offset: magic.count)
        guard let cipher = reader.string(), reader.string() != nil, reader.string() != nil, let count = reader.uint32(), count >= 1,
              let publicKey = reader.string() else { return (false, nil) }
        return (String(decoding: cipher, as: UTF8.self) != "none", publicKey)
    }
}

/// Reads SSH wire-format fields (RFC 4251 §5): uint32 and length-prefixed strings.
struct WireReader {
    let bytes: [UInt8]
    var offset: Int

    mutating func uint32() -> UInt32? {
        guard offset + 4 <= bytes.count else { return nil }
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    mutating func string() -> [UInt8]? {
        guard let length = uint32(), offset + Int(length) <= bytes.count else { return nil }
        defer { offset += Int(length) }
        return Array(bytes[offset..<(offset + Int(length))])
    }
}
