import Glibc
import SNCSocket

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

    /// Largest key file read (an RSA-16384 key is about 13 KB).
    private static let fileLimit = 1 << 20

    /// Reads a key file as bytes; nil if it cannot be read (errno tells why).
    package init?(path: String) {
        guard access(path, R_OK) == 0, let contents = try? FileContents.read(path: path, limit: Self.fileLimit) else { return nil }
        self.init(path: path, contents: contents, publicKey: try? FileContents.read(path: path + ".pub", limit: Self.fileLimit))
    }

    /// `contents`: the private key file; `publicKey`: the `.pub` file, if any.
    package init(path: String, contents: [UInt8], publicKey: [UInt8]?) {
        self.path = path
        publicKeyPath = publicKey == nil ? nil : path + ".pub"
        let blobFromPublic = publicKey.flatMap(Self.publicKeyBlob(fromPublicKeyFile:))
        if let body = Self.armoredBody(contents, label: "OPENSSH PRIVATE KEY"),
           let bytes = Base64.decode(String(decoding: body, as: UTF8.self)) {
            let parsed = Self.parseOpenSSH(bytes)
            encrypted = parsed.encrypted
            publicKeyBlob = parsed.publicKey ?? blobFromPublic
        } else {
            // PEM: "Proc-Type: 4,ENCRYPTED" (traditional) or PKCS#8 "ENCRYPTED PRIVATE KEY".
            encrypted = Self.firstRange(of: Array("ENCRYPTED".utf8), in: contents[...]) != nil
            publicKeyBlob = blobFromPublic
        }
    }

    /// The key of the first line of a `.pub` file that holds one ("type
    /// base64 [comment]"), split on bytes as ssh does.
    private static func publicKeyBlob(fromPublicKeyFile bytes: [UInt8]) -> [UInt8]? {
        for line in TextLines.split(bytes) {
            let fields = line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
            guard let first = fields.first, first.first != UInt8(ascii: "#") else { continue }
            guard fields.count >= 2 else { return nil }
            return Base64.decode(String(decoding: fields[1], as: UTF8.self))
        }
        return nil
    }

    /// The bytes between `-----BEGIN label-----` and `-----END label-----`.
    private static func armoredBody(_ bytes: [UInt8], label: String) -> ArraySlice<UInt8>? {
        guard let begin = firstRange(of: Array("-----BEGIN \(label)-----".utf8), in: bytes[...]),
              let end = firstRange(of: Array("-----END \(label)-----".utf8), in: bytes[begin.upperBound...]) else { return nil }
        return bytes[begin.upperBound..<end.lowerBound]
    }

    private static func firstRange(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Range<Int>? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var start = haystack.startIndex
        while start + needle.count <= haystack.endIndex {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start..<(start + needle.count) }
            start += 1
        }
        return nil
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
