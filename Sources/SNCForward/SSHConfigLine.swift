/// One ssh_config(5) line split into a keyword and its arguments as bytes,
/// exactly as OpenSSH's readconf.c does (`process_config_line_depth`:
/// trailing whitespace stripped, the keyword cut by `strdelim`, the rest
/// by `argv_split`), so that a file ssh reads one way is never read
/// another way by snc: a CR before the newline is trailing whitespace,
/// double and single quotes group words, a backslash escapes a quote, a
/// backslash or a space, and a `#` at the start of a word ends the line.
package struct SSHConfigLine: Sendable, Equatable {
    /// The keyword, lowercased ("hostname").
    package let keyword: String
    /// The words after the keyword, quotes and escapes removed.
    package let arguments: [String]
    /// Everything after the keyword and its separator, as written: ssh
    /// takes ProxyCommand and ProxyJump values from here, not from the words.
    package let rawArgument: String

    /// Why ssh rejects a line (it then refuses the whole file).
    package enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case noArgument(keyword: String)
        case invalidQuotes

        /// ssh's wording, to follow "FILE line N: ".
        package var description: String {
            switch self {
            case .noArgument(let keyword): "no argument after keyword \"\(Self.visible(keyword))\""
            case .invalidQuotes: "invalid quotes"
            }
        }

        /// Control bytes as octal escapes, as ssh's log does ("\\014"), so a
        /// message stays one line.
        private static func visible(_ text: String) -> String {
            var result: [UInt8] = []
            for byte in text.utf8 {
                if byte < 0x20 || byte == 0x7F {
                    result += Array("\\".utf8) + Array(String(byte, radix: 8).leftPadded(to: 3).utf8)
                } else {
                    result.append(byte)
                }
            }
            return String(decoding: result, as: UTF8.self)
        }
    }

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let quote = UInt8(ascii: "\"")
    private static let singleQuote = UInt8(ascii: "'")
    private static let backslash = UInt8(ascii: "\\")
    private static let equals = UInt8(ascii: "=")
    private static let hash = UInt8(ascii: "#")

    /// readconf.c's WHITESPACE: " \t\r\n".
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == 0x0D || byte == 0x0A
    }

    /// Parses one line (without its newline). Nil for blank and comment lines.
    package static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(Problem) -> SSHConfigLine? {
        // ssh reads lines into C strings: a NUL ends the line there.
        var line = Array(bytes.prefix { $0 != 0 })
        // Trailing whitespace and form feeds go, down to (not including) the first byte.
        while line.count > 1, let last = line.last, isWhitespace(last) || last == 0x0C { line.removeLast() }

        var position: Int? = 0
        guard var keyword = nextKeywordToken(line, &position) else { return nil }
        // A line starting with whitespace yields an empty first token.
        if keyword.isEmpty {
            guard let next = nextKeywordToken(line, &position) else { return nil }
            keyword = next
        }
        guard let first = keyword.first, first != hash, first != 0x0A else { return nil }
        let keywordText = String(decoding: keyword, as: UTF8.self).lowercased()

        guard var start = position else { throw .noArgument(keyword: keywordText) }
        while start < line.count, isWhitespace(line[start]) { start += 1 }
        guard start < line.count else { throw .noArgument(keyword: keywordText) }

        var rawStart = start
        while rawStart < line.count, isWhitespace(line[rawStart]) || line[rawStart] == equals { rawStart += 1 }
        guard let words = splitArguments(line[start...]) else { throw .invalidQuotes }
        return SSHConfigLine(
            keyword: keywordText,
            arguments: words.map { String(decoding: $0, as: UTF8.self) },
            rawArgument: String(decoding: line[rawStart...], as: UTF8.self))
    }

    /// misc.c `strdelim`: the next token ending at whitespace, a quote or
    /// one '='; a token that starts a quote runs to the closing quote (nil
    /// when there is none). Moves `position` past the token and the
    /// whitespace (and at most one '=') after it; nil position = line done.
    private static func nextKeywordToken(_ line: [UInt8], _ position: inout Int?) -> [UInt8]? {
        guard let start = position else { return nil }
        guard let stop = line[start...].firstIndex(where: { isWhitespace($0) || $0 == quote || $0 == equals }) else {
            position = nil
            return Array(line[start...])
        }
        if line[stop] == quote {
            guard let closing = line[(stop + 1)...].firstIndex(of: quote) else { return nil }
            position = skipWhitespace(line, from: closing + 1)
            return Array(line[start..<stop] + line[(stop + 1)..<closing])
        }
        let sawEquals = line[stop] == equals
        var next = skipWhitespace(line, from: stop + 1)
        if next < line.count, line[next] == equals, !sawEquals { next = skipWhitespace(line, from: next + 1) }
        position = next
        return Array(line[start..<stop])
    }

    private static func skipWhitespace(_ line: [UInt8], from start: Int) -> Int {
        var index = start
        while index < line.count, isWhitespace(line[index]) { index += 1 }
        return index
    }

    /// misc.c `argv_split(s, ..., terminate_on_comment = 1)`; nil when a
    /// quote is left open (ssh: "invalid quotes").
    private static func splitArguments(_ text: ArraySlice<UInt8>) -> [[UInt8]]? {
        var words: [[UInt8]] = []
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte == space || byte == tab { index += 1; continue }
            if byte == hash { break }
            var word: [UInt8] = []
            var open: UInt8 = 0
            while index < text.endIndex {
                let character = text[index]
                let next: UInt8 = index + 1 < text.endIndex ? text[index + 1] : 0
                if character == backslash {
                    if next == singleQuote || next == quote || next == backslash || (open == 0 && next == space) {
                        index += 1
                        word.append(next)
                    } else {
                        word.append(character)
                    }
                } else if open == 0 && (character == space || character == tab) {
                    break
                } else if open == 0 && (character == quote || character == singleQuote) {
                    open = character
                } else if open != 0 && character == open {
                    open = 0
                } else {
                    word.append(character)
                }
                index += 1
            }
            words.append(word)
            if index >= text.endIndex {
                if open != 0 { return nil }
                break
            }
            index += 1
        }
        return words
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
