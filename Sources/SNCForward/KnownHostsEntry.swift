import Crypto

/// One key line of a known_hosts file (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT):
/// `[@marker] patterns keytype base64-key [comment]`.
package struct KnownHostsEntry: Sendable, Equatable {
    package enum Marker: Sendable, Equatable { case none, revoked, certificateAuthority }

    package let marker: Marker
    /// The host field as written: a comma list of patterns, or one `|1|salt|hash`.
    package let hosts: String
    package let keyType: String
    package let keyBlob: [UInt8]
    package let file: String
    package let line: Int

    /// Parses one line; nil for blanks, comments and lines OpenSSH would skip
    /// as unparseable (snc skips them too rather than giving up on the file).
    package init?(line text: some StringProtocol, file: String, line number: Int) {
        var fields = String(text).split(whereSeparator: { (character: Character) in character == " " || character == "\t" }).map(String.init)
        guard let first = fields.first, !first.hasPrefix("#") else { return nil }
        var marker = Marker.none
        if first.hasPrefix("@") {
            switch first {
            case "@revoked": marker = .revoked
            case "@cert-authority": marker = .certificateAuthority
            default: return nil
            }
            fields.removeFirst()
        }
        guard fields.count >= 3, let blob = Base64.decode(fields[2]), !blob.isEmpty else { return nil }
        // The key blob names its own type; a line whose type field disagrees is corrupt.
        guard Self.algorithm(ofBlob: blob) == fields[1] else { return nil }
        self.marker = marker
        self.hosts = fields[0]
        self.keyType = fields[1]
        self.keyBlob = blob
        self.file = file
        self.line = number
    }

    /// Whether this line names `host` ("name" for port 22, "[name]:port" otherwise).
    package func matches(host: String) -> Bool {
        if hosts.hasPrefix("|1|") { return Self.hashedName(hosts, matches: host) }
        return HostPattern.match(host, commaList: hosts) == .matched
    }

    /// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, as `ssh-keygen -H` writes it.
    static func hashedName(_ field: String, matches host: String) -> Bool {
        let parts = field.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[1] == "1", let salt = Base64.decode(parts[2]), let hash = Base64.decode(parts[3]) else {
            return false
        }
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Array(host.utf8), using: SymmetricKey(data: salt))
        return Array(code) == hash
    }

    /// Hashes a name with a fresh 20-byte salt, for HashKnownHosts=yes.
    package static func hashName(_ host: String) -> String {
        let salt = SymmetricKey(size: .init(bitCount: 160))
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Array(host.utf8), using: salt)
        let saltBytes = salt.withUnsafeBytes { Array($0) }
        return "|1|\(Base64.encode(saltBytes))|\(Base64.encode(Array(code)))"
    }

    /// The algorithm named by the first string of an SSH key blob.
    static func algorithm(ofBlob blob: [UInt8]) -> String? {
        guard blob.count > 4 else { return nil }
        let length = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
        guard length > 0, 4 + length <= blob.count else { return nil }
        return String(decoding: blob[4..<(4 + length)], as: UTF8.self)
    }

    /// ssh's short name for a key type in messages.
    package static func displayType(of algorithm: String) -> String {
        switch algorithm {
        case "ssh-ed25519": "ED25519"
        case let name where name.hasPrefix("ecdsa-sha2-"): "ECDSA"
        case "ssh-rsa": "RSA"
        case "ssh-dss": "DSA"
        default: algorithm.uppercased()
        }
    }
}
