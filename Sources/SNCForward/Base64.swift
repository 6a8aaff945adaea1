/// Standard base64 (RFC 4648 §4), as known_hosts and key files use it, with
/// the two conventions snc needs on top: unpadded output (OpenSSH's
/// `SHA256:` fingerprints) and whitespace inside armored key bodies.
package enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Each byte's 6-bit value, or 0xFF for a byte outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()

    package static func encode(_ bytes: [UInt8], padded: Bool = true) -> String {
        var text: [UInt8] = []
        text.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            let first = bytes[index]
            let second = count > 1 ? bytes[index + 1] : 0
            let third = count > 2 ? bytes[index + 2] : 0
            text.append(alphabet[Int(first >> 2)])
            text.append(alphabet[Int((first & 0x03) << 4 | second >> 4)])
            if count > 1 { text.append(alphabet[Int((second & 0x0F) << 2 | third >> 6)]) } else if padded { text.append(UInt8(ascii: "=")) }
            if count > 2 { text.append(alphabet[Int(third & 0x3F)]) } else if padded { text.append(UInt8(ascii: "=")) }
            index += 3
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Decodes, ignoring whitespace; nil on any other bad character, a
    /// length that is not a multiple of 4, or padding anywhere but the end.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        // Bytes, not Characters: "\r\n" is one Character in Swift, so a
        // Character filter would let a lone "\n" through.
        let whitespace: Set<UInt8> = [9, 10, 13, 32]
        let compact = text.utf8.filter { !whitespace.contains($0) }
        guard compact.count % 4 == 0 else { return nil }
        let padding = compact.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(compact.count / 4 * 3)
        var group: UInt32 = 0
        for (position, byte) in compact.enumerated() {
            let value: UInt8
            if position >= compact.count - padding {
                value = 0
            } else {
                value = values[Int(byte)]
                if value == 0xFF { return nil }
            }
            group = group << 6 | UInt32(value)
            if position % 4 == 3 {
                bytes.append(UInt8(truncatingIfNeeded: group >> 16))
                bytes.append(UInt8(truncatingIfNeeded: group >> 8))
                bytes.append(UInt8(truncatingIfNeeded: group))
                group = 0
            }
        }
        bytes.removeLast(padding)
        return bytes
    }
}
