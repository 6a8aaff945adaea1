import CLibSSH2

/// The key the server proved it holds during the handshake.
package struct SSHHostKey: Sendable, Equatable {
    /// The key in SSH wire format, as known_hosts stores it (base64).
    package let blob: [UInt8]
    /// The key's algorithm name as known_hosts writes it ("ssh-ed25519").
    package let algorithm: String

    package init(blob: [UInt8], algorithm: String) {
        self.blob = blob
        self.algorithm = algorithm
    }
}

extension SSHSession {
    /// Wraps `libssh2_session_hostkey`. The algorithm is read from the blob
    /// itself (its first SSH string), which names it exactly.
    package var hostKey: SSHHostKey? {
        var length = 0
        var type: CInt = 0
        guard let key = libssh2_session_hostkey(handle, &length, &type), length > 4 else { return nil }
        let blob = key.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
        let nameLength = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
        guard nameLength > 0, 4 + nameLength <= blob.count else { return nil }
        let algorithm = String(decoding: blob[4..<(4 + nameLength)], as: UTF8.self)
        return SSHHostKey(blob: blob, algorithm: algorithm)
    }
}
