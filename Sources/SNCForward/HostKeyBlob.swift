import Crypto

/// Checks a public key blob (SSH wire format, RFC 4253 §6.6) the way
/// OpenSSH's `sshkey_from_blob` does before a known_hosts line counts:
/// a key ssh would reject (wrong length, a point off the curve, a curve
/// that disagrees with the type, trailing bytes) must not count for snc
/// either, or the two would disagree about "changed" versus "new".
package enum HostKeyBlob {
    /// The algorithm the blob names, or nil when OpenSSH would not load it.
    package static func validatedAlgorithm(of blob: [UInt8]) -> String? {
        var reader = Reader(blob)
        guard let nameBytes = reader.string() else { return nil }
        let name = String(decoding: nameBytes, as: UTF8.self)
        switch name {
        case "ssh-ed25519":
            guard let key = reader.string(), key.count == 32, reader.isAtEnd else { return nil }
        case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521":
            guard let curve = reader.string(), "ecdsa-sha2-" + String(decoding: curve, as: UTF8.self) == name,
                  let point = reader.string(), reader.isAtEnd, isOnCurve(Array(point), algorithm: name)
            else { return nil }
        case "ssh-rsa":
            // OpenSSH refuses RSA moduli under 1024 bits (SSH_RSA_MINIMUM_MODULUS_SIZE).
            guard reader.string() != nil, let modulus = reader.string(), reader.isAtEnd,
                  bitLength(ofPositive: modulus) >= 1024 else { return nil }
        case "ssh-dss":
            for _ in 0..<4 {
                guard reader.string() != nil else { return nil }
            }
            guard reader.isAtEnd else { return nil }
        case "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com":
            // Security-key types: loaded by ssh, never offered by libssh2; the type is enough.
            break
        default:
            return nil
        }
        return name
    }

    /// The key type an algorithm or known_hosts type field names:
    /// `rsa-sha2-256` and `rsa-sha2-512` are signatures made with an `ssh-rsa` key.
    package static func keyType(named name: String) -> String {
        switch name {
        case "rsa-sha2-256", "rsa-sha2-512": "ssh-rsa"
        default: name
        }
    }

    private static func isOnCurve(_ point: [UInt8], algorithm: String) -> Bool {
        switch algorithm {
        case "ecdsa-sha2-nistp256": (try? P256.Signing.PublicKey(x963Representation: point)) != nil
        case "ecdsa-sha2-nistp384": (try? P384.Signing.PublicKey(x963Representation: point)) != nil
        case "ecdsa-sha2-nistp521": (try? P521.Signing.PublicKey(x963Representation: point)) != nil
        default: false
        }
    }

    private static func bitLength(ofPositive mpint: ArraySlice<UInt8>) -> Int {
        guard let first = mpint.firstIndex(where: { $0 != 0 }) else { return 0 }
        return (mpint.endIndex - first) * 8 - mpint[first].leadingZeroBitCount
    }

    /// Reads SSH `string`s (uint32 length, then bytes) from a blob.
    struct Reader {
        private let bytes: [UInt8]
        private var offset = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var isAtEnd: Bool { offset == bytes.count }

        mutating func string() -> ArraySlice<UInt8>? {
            guard bytes.count - offset >= 4 else { return nil }
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard length <= bytes.count - offset - 4 else { return nil }
            let start = offset + 4
            offset = start + length
            return bytes[start..<offset]
        }
    }
}
