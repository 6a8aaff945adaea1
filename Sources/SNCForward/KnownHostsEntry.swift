import Crypto

/// One key line of a known_hosts file (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT):
/// `[@marker] patterns keytype base64-key [comment]`, parsed from bytes the
/// way OpenSSH's `hostkeys_foreach_file` and `sshkey_read` parse it: fields
/// are separated by spaces and tabs only, and a line OpenSSH would reject
/// (bad marker, bad `|1|` salt, unknown key type, a key that does not decode)
/// is skipped, never fatal.
package struct KnownHostsEntry: Sendable, Equatable {
    package enum Marker: Sendable, Equatable { case none, revoked, certificateAuthority }

    package let marker: Marker
    /// The host field as written: a comma list of patterns, or one `|1|salt|hash`.
    package let hosts: String
    /// The key type as the blob names it ("ssh-ed25519", "ecdsa-sha2-nistp256").
    package let keyType: String
    package let keyBlob: [UInt8]
    package let file: String
    package let line: Int
    /// The 20-byte salt of a hashed host field; nil for plain patterns.
    private let salt: [UInt8]?

    /// Parses one line (without its line terminator); nil for blanks,
    /// comments and lines OpenSSH would skip as invalid.
    package init?(line text: some Collection<UInt8>, file: String, line number: Int) {
        // OpenSSH handles lines as C strings: a NUL ends the line.
        var cursor = ByteCursor(Array(text.prefix { $0 != 0 }))
        cursor.skipBlanks()
        guard let first = cursor.peek, first != UInt8(ascii: "#") else { return nil }
        var marker = Marker.none
        while cursor.peek == UInt8(ascii: "@") {
            // Only one marker, terminated by a blank (OpenSSH check_markers).
            guard marker == .none, cursor.restContainsBlank else { return nil }
            switch String(decoding: cursor.word(), as: UTF8.self) {
            case "@cert-authority": marker = .certificateAuthority
            case "@revoked": marker = .revoked
            default: return nil
            }
            cursor.skipBlanks()
        }
        let hostField = cursor.word()
        cursor.skipBlanks()
        guard let next = cursor.peek, next != UInt8(ascii: "#") else { return nil }
        var salt: [UInt8]?
        if hostField.first == UInt8(ascii: "|") {
            guard let extracted = Self.salt(ofHashedField: hostField) else { return nil }
            salt = extracted
        }
        let typeName = String(decoding: cursor.word(), as: UTF8.self)
        cursor.skipBlanks()
        let blobText = cursor.word()
        guard !blobText.isEmpty, let blob = Base64.decode(String(decoding: blobText, as: UTF8.self)),
              let blobType = HostKeyBlob.validatedAlgorithm(of: blob),
              HostKeyBlob.keyType(named: typeName) == HostKeyBlob.keyType(named: blobType)
        else { return nil }
        self.marker = marker
        self.hosts = String(decoding: hostField, as: UTF8.self)
        self.keyType = blobType
        self.keyBlob = blob
        self.file = file
        self.line = number
        self.salt = salt
    }

    /// Whether this line names `name` (`host`, `[host]:port` or a HostKeyAlias),
    /// as OpenSSH's `match_maybe_hashed` decides it.
    package func matches(host name: String) -> Bool {
        if let salt { return Self.hashedField(name, salt: salt) == hosts }
        return HostPattern.matchHostname(name, commaList: hosts) == .matched
    }

    /// Whether the host field is a `|1|` hash rather than patterns.
    package var isHashed: Bool { salt != nil }

    /// `|1|` + base64(salt) + `|` + base64(HMAC-SHA1(salt, name)), as ssh-keygen -H writes it.
    static func hashedField(_ name: String, salt: [UInt8]) -> String {
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Array(name.utf8), using: SymmetricKey(data: salt))
        return "|1|\(Base64.encode(salt))|\(Base64.encode(Array(code)))"
    }

    /// The salt of `|1|salt|hash`: OpenSSH's `extract_salt` wants exactly 20 bytes.
    private static func salt(ofHashedField field: ArraySlice<UInt8>) -> [UInt8]? {
        let magic = Array("|1|".utf8)
        guard field.count > magic.count, Array(field.prefix(magic.count)) == magic else { return nil }
        let rest = field.dropFirst(magic.count)
        guard let bar = rest.firstIndex(of: UInt8(ascii: "|")) else { return nil }
        let encoded = rest[rest.startIndex..<bar]
        guard !encoded.isEmpty, encoded.count <= 1024,
              let salt = Base64.decode(String(decoding: encoded, as: UTF8.self)), salt.count == 20 else { return nil }
        return salt
    }

    /// Hashes a name with a fresh 20-byte salt, for HashKnownHosts=yes.
    package static func hashName(_ host: String) -> String {
        let salt = SymmetricKey(size: .init(bitCount: 160)).withUnsafeBytes { Array($0) }
        return hashedField(host, salt: salt)
    }

    /// The algorithm named by the first string of an SSH key blob.
    static func algorithm(ofBlob blob: [UInt8]) -> String? {
        var reader = HostKeyBlob.Reader(blob)
        return reader.string().map { String(decoding: $0, as: UTF8.self) }
    }

    /// ssh's short name for a key type in messages (`sshkey_type`).
    package static func displayType(of algorithm: String) -> String {
        switch algorithm {
        case "ssh-ed25519": "ED25519"
        case let name where name.hasPrefix("ecdsa-sha2-"): "ECDSA"
        case "ssh-rsa", "rsa-sha2-256", "rsa-sha2-512": "RSA"
        case "ssh-dss": "DSA"
        case "sk-ssh-ed25519@openssh.com": "ED25519-SK"
        case "sk-ecdsa-sha2-nistp256@openssh.com": "ECDSA-SK"
        default: algorithm.uppercased()
        }
    }
}

/// Walks the bytes of one known_hosts line: words end at a space or a tab.
private struct ByteCursor {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    var restContainsBlank: Bool { bytes[index...].contains { Self.isBlank($0) } }

    mutating func skipBlanks() {
        while index < bytes.count, Self.isBlank(bytes[index]) { index += 1 }
    }

    mutating func word() -> ArraySlice<UInt8> {
        let start = index
        while index < bytes.count, !Self.isBlank(bytes[index]) { index += 1 }
        return bytes[start..<index]
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
}
