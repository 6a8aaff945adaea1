/// The framing `--verify` puts around the data of each direction:
///
///     snc-verify 1\n  DATA  \nsnc-verify sha256 <64 hex digits>\n
///
/// The header tells a receiver at once whether its peer uses `--verify`;
/// the trailer carries the SHA-256 of DATA, written after the data and
/// before the shutdown, so the receiver can tell a whole stream from a
/// truncated or altered one. Both are text, so a peer without `--verify`
/// (plain nc) shows them plainly at the start and end of what it received.
enum VerifyTrailer {
    static let header = Array("snc-verify 1\n".utf8)
    static let magic = Array("\nsnc-verify sha256 ".utf8)
    static let digestHexLength = 64
    /// The trailer's fixed length: what a receiver holds back until the end.
    static let length = magic.count + digestHexLength + 1

    /// The trailer for data whose SHA-256 is `digest`.
    static func trailer(digest: some Sequence<UInt8>) -> [UInt8] {
        magic + Array(hex(digest).utf8) + [0x0A]
    }

    /// The digest's hex text if `bytes` is a well-formed trailer, else nil.
    static func digestHex(inTrailer bytes: [UInt8]) -> String? {
        guard bytes.count == length, bytes.starts(with: magic), bytes.last == 0x0A else { return nil }
        let digits = bytes[magic.count..<(length - 1)]
        let isHex = digits.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        return isHex ? String(decoding: digits, as: UTF8.self) : nil
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
