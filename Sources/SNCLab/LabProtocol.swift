/// The lab's protocol, as both ends of it speak it.
///
/// On accept the server sends one intro line. The client sends its long
/// message (any bytes) and half-closes its write side. The server answers
/// `received N bytes sha256=HEX\n` (HEX in lowercase) and closes. When the
/// server gives up on a client it sends one `error: ...\n` line instead.
package enum LabProtocol {
    /// The intro line `snc serve` sends when none is given.
    package static let defaultIntro = "Hello from snc serve. Send your message, then end it (Ctrl-D); I will answer with its size and SHA-256.\n"

    /// The default intro line for `--message-end line`: the message is one line.
    package static let lineModeIntro = "Hello from snc serve. Send your message as one line and end it with Enter (a newline); I will answer with its size and SHA-256.\n"

    /// The intro line `snc serve` sends when none is given, saying how to end a message in this mode.
    package static func defaultIntro(for end: MessageEnd) -> String {
        end == .line ? lineModeIntro : defaultIntro
    }

    /// The receipt for a message of `byteCount` bytes with this SHA-256 digest.
    package static func receiptLine(byteCount: Int, digest: some Sequence<UInt8>) -> String {
        "received \(byteCount) bytes sha256=\(hex(digest))\n"
    }

    /// What a client that sent more than `limit` bytes is told before it is closed.
    package static func tooLongLine(limit: Int) -> String {
        "error: message exceeds \(limit) bytes\n"
    }

    /// What a client that sent nothing for `seconds` is told before it is closed.
    package static func idleLine(seconds: Double) -> String {
        "error: idle for \(Seconds.format(seconds)) s, closing\n"
    }

    /// What a client whose message is still incomplete `seconds` after accept is told before it is closed.
    package static func messageTimeoutLine(seconds: Double) -> String {
        "error: message not complete after \(Seconds.format(seconds)) s, closing\n"
    }

    /// Lowercase hexadecimal, two digits a byte.
    package static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// A receipt line parsed back, as a load client checks it.
package struct Receipt: Equatable, Sendable {
    package let byteCount: Int
    package let sha256: String

    package init(byteCount: Int, sha256: String) {
        self.byteCount = byteCount
        self.sha256 = sha256
    }

    /// Parses exactly `received N bytes sha256=HEX` with an optional trailing
    /// newline; nil for anything else (an `error:` line, a truncated line,
    /// uppercase or short hex).
    package init?(line: some StringProtocol) {
        var text = Substring(line)
        if text.hasSuffix("\n") { text = text.dropLast() }
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count == 4, words[0] == "received", words[2] == "bytes",
              let count = Int(words[1]), count >= 0, String(count) == words[1],
              words[3].hasPrefix("sha256=") else { return nil }
        let hex = words[3].dropFirst("sha256=".count)
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            return nil
        }
        byteCount = count
        sha256 = String(hex)
    }

    /// Parses the receipt from the raw bytes a client read after its message.
    package init?(bytes: some Collection<UInt8>) {
        self.init(line: String(decoding: bytes, as: UTF8.self))
    }
}
