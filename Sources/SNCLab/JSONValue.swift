/// A JSON document as `--json` writes it, and its pretty-printed text:
/// two-space indents, `"key" : value`, keys sorted by their UTF-8 bytes,
/// and empty containers as an opening line, an empty line and a closing
/// line (the layout the report has always had, so scripts that read it
/// line by line see no change).
package indirect enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The document as text, ending in a newline.
    package var prettyText: String {
        var text: [UInt8] = []
        write(into: &text, indent: 0)
        text.append(0x0A)
        return String(decoding: text, as: UTF8.self)
    }

    private func write(into text: inout [UInt8], indent: Int) {
        switch self {
        case .null: text.append(contentsOf: "null".utf8)
        case .bool(let value): text.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let value): text.append(contentsOf: String(value).utf8)
        case .number(let value): Self.writeNumber(value, into: &text)
        case .string(let value): Self.writeString(value, into: &text)
        case .array(let elements):
            text.append(UInt8(ascii: "["))
            Self.writeMembers(elements, into: &text, indent: indent) { element, text in
                element.write(into: &text, indent: indent + 2)
            }
            text.append(UInt8(ascii: "]"))
        case .object(let members):
            text.append(UInt8(ascii: "{"))
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            Self.writeMembers(sorted, into: &text, indent: indent) { member, text in
                Self.writeString(member.key, into: &text)
                text.append(contentsOf: " : ".utf8)
                member.value.write(into: &text, indent: indent + 2)
            }
            text.append(UInt8(ascii: "}"))
        }
    }

    /// One member a line, indented one level deeper than the container,
    /// separated by commas; the closing bracket back at the container's level.
    private static func writeMembers<Member>(_ members: [Member], into text: inout [UInt8], indent: Int,
                                             _ writeMember: (Member, inout [UInt8]) -> Void) {
        text.append(0x0A)
        if members.isEmpty { text.append(0x0A) }
        for (index, member) in members.enumerated() {
            text.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent + 2))
            writeMember(member, &text)
            text.append(contentsOf: index == members.count - 1 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
        }
        text.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
    }

    /// Swift's shortest round-tripping form ("0.25", "1e-05"), without a
    /// trailing ".0" on whole numbers; infinities and NaN, which JSON has no
    /// numbers for, as the strings "inf", "-inf" and "nan".
    private static func writeNumber(_ value: Double, into text: inout [UInt8]) {
        if value.isNaN { return writeString("nan", into: &text) }
        if value.isInfinite { return writeString(value < 0 ? "-inf" : "inf", into: &text) }
        var digits = value.description
        if digits.hasSuffix(".0") { digits.removeLast(2) }
        text.append(contentsOf: digits.utf8)
    }

    /// Quotes and escapes per RFC 8259: `"` and `\`, the short escapes for
    /// control characters that have one, `\u00XX` for the other controls;
    /// `/` as `\/` as before. Other text, non-ASCII included, goes out as
    /// its UTF-8 bytes.
    private static func writeString(_ value: String, into text: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        text.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): text.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): text.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "/"): text.append(contentsOf: #"\/"#.utf8)
            case 0x08: text.append(contentsOf: #"\b"#.utf8)
            case 0x0C: text.append(contentsOf: #"\f"#.utf8)
            case 0x0A: text.append(contentsOf: #"\n"#.utf8)
            case 0x0D: text.append(contentsOf: #"\r"#.utf8)
            case 0x09: text.append(contentsOf: #"\t"#.utf8)
            case 0x00..<0x20:
                text.append(contentsOf: #"\u00"#.utf8)
                text.append(hex[Int(byte >> 4)])
                text.append(hex[Int(byte & 0x0F)])
            default: text.append(byte)
            }
        }
        text.append(UInt8(ascii: "\""))
    }
}
