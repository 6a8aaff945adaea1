/// ncat's `--chat` wording: "<user3> " before each line, control characters
/// shown as "\ooo" octal escapes, and "<announce>" lines for arrivals and
/// departures. Users are numbered from 1 in order of arrival; the listener's
/// own stdin is <user0>.
package enum ChatFormat {
    package static func prefix(user: Int) -> String { "<user\(user)> " }

    /// "<announce> 127.0.0.1 is connected as <user3>.\n"
    package static func joined(host: String, user: Int) -> String {
        "<announce> \(host) is connected as <user\(user)>.\n"
    }

    /// "<announce> already connected: 127.0.0.1 as <user1>, ::1 as <user2>.\n",
    /// or "...: nobody.\n" when the newcomer is alone.
    package static func alreadyConnected(_ others: [(host: String, user: Int)]) -> String {
        let list = others.isEmpty ? "nobody" : others.map { "\($0.host) as <user\($0.user)>" }.joined(separator: ", ")
        return "<announce> already connected: \(list).\n"
    }

    /// "<announce> <user3> is disconnected.\n"
    package static func left(user: Int) -> String {
        "<announce> <user\(user)> is disconnected.\n"
    }

    /// One line as others see it: prefix, escaped text, "\n". A carriage
    /// return before the newline (telnet, `-C`) is dropped. Control
    /// characters except tab, C1 controls, bidi overrides and bytes that are
    /// not well-formed UTF-8 become "\ooo" (see `TerminalSafeText`); other
    /// UTF-8 text passes through, so it stays readable (ncat escapes every
    /// byte from 0x80 up).
    package static func line<Bytes: Collection>(_ text: Bytes, user: Int) -> [UInt8] where Bytes.Element == UInt8 {
        var body = Array(text)
        if body.last == UInt8(ascii: "\r") { body.removeLast() }
        var output = Array(prefix(user: user).utf8)
        output.reserveCapacity(output.count + body.count + 1)
        TerminalSafeText.append(body, to: &output)
        output.append(UInt8(ascii: "\n"))
        return output
    }
}

/// Splits one chat user's bytes into whole lines, so that a line typed in
/// pieces still reaches the others as one prefixed line. A line longer
/// than `longestLine` is passed on in pieces of that size (a few bytes
/// shorter where a UTF-8 character would otherwise be cut in two).
package struct ChatLines {
    package static let longestLine = 4096
    private var partial: [UInt8] = []

    package init() {}

    /// The formatted lines completed by `bytes`.
    package mutating func feed<Bytes: Collection>(_ bytes: Bytes, user: Int) -> [UInt8] where Bytes.Element == UInt8 {
        var output: [UInt8] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                output += ChatFormat.line(partial, user: user)
                partial.removeAll(keepingCapacity: true)
            } else {
                partial.append(byte)
                if partial.count >= Self.longestLine {
                    // Cut before a character the piece would split, so that
                    // both halves are not escaped as malformed UTF-8.
                    let cut = TerminalSafeText.completePrefixLength(partial)
                    output += ChatFormat.line(partial[..<cut], user: user)
                    partial.removeSubrange(..<cut)
                }
            }
        }
        return output
    }

    /// What is left when the user leaves, as a last line.
    package mutating func finish(user: Int) -> [UInt8] {
        defer { partial.removeAll() }
        return partial.isEmpty ? [] : ChatFormat.line(partial, user: user)
    }
}
