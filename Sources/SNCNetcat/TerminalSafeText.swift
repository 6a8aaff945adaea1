/// Makes bytes from one chat user safe to show on other users' terminals.
///
/// A terminal acts on more than the C0 controls and DEL: in UTF-8 it takes
/// U+0080...U+009F as C1 controls (U+009B is CSI, the start of an escape
/// sequence), and an 8-bit terminal takes the raw bytes 0x80...0x9F the
/// same way. The bidi overrides and isolates (U+202A...U+202E,
/// U+2066...U+2069) reorder the text that follows them, so one user could
/// make another's words read backwards or hide them. All of these, and any
/// byte that is not part of well-formed UTF-8, are shown as "\ooo" octal
/// escapes of their bytes, as ncat shows controls. Everything else
/// (printable ASCII, tab, well-formed UTF-8 text) passes through unchanged.
///
/// Works on bytes and decodes UTF-8 itself, strictly by the Unicode
/// standard's table of well-formed sequences (no overlong forms, no
/// surrogates, nothing above U+10FFFF), so malformed input can neither trap
/// nor hide a control inside an overlong encoding.
package enum TerminalSafeText {
    /// Appends `text` to `output`, escaped.
    package static func append<Bytes: RandomAccessCollection>(_ text: Bytes, to output: inout [UInt8])
    where Bytes.Element == UInt8, Bytes.Index == Int {
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte < 0x80 {
                if (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F {
                    appendEscaped(byte, to: &output)
                } else {
                    output.append(byte)
                }
                index += 1
            } else if let (scalar, length) = decodeScalar(text, at: index) {
                let sequence = text[index..<(index + length)]
                if isUnsafe(scalar) {
                    for byte in sequence { appendEscaped(byte, to: &output) }
                } else {
                    output.append(contentsOf: sequence)
                }
                index += length
            } else {
                appendEscaped(byte, to: &output)
                index += 1
            }
        }
    }

    /// Scalars that change how a terminal interprets or orders what follows.
    package static func isUnsafe(_ scalar: UInt32) -> Bool {
        (0x80...0x9F).contains(scalar) || (0x202A...0x202E).contains(scalar) || (0x2066...0x2069).contains(scalar)
    }

    /// Where a trailing sequence that `text` cuts short begins: the length of
    /// the longest prefix that ends on a character boundary, so that a line
    /// cut into pieces is not cut inside a character.
    package static func completePrefixLength<Bytes: RandomAccessCollection>(_ text: Bytes) -> Int
    where Bytes.Element == UInt8, Bytes.Index == Int {
        // A sequence is at most 4 bytes, so its lead byte is among the last 3.
        var index = text.endIndex
        while index > text.startIndex && index > text.endIndex - 3 {
            index -= 1
            let byte = text[index]
            guard byte & 0xC0 == 0x80 else {
                // Found the lead (or an ASCII byte): is its sequence complete?
                let needed = sequenceLength(lead: byte) ?? 1
                return text.endIndex - index < needed && decodeScalarPrefixIsValid(text, at: index)
                    ? index - text.startIndex : text.count
            }
        }
        return text.count
    }

    // MARK: UTF-8, strictly

    /// The length a lead byte announces; nil for a byte that cannot start a sequence.
    private static func sequenceLength(lead: UInt8) -> Int? {
        switch lead {
        case 0x00...0x7F: 1
        case 0xC2...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF4: 4
        default: nil
        }
    }

    /// The range the second byte of a sequence must fall in (Unicode table 3-7):
    /// narrower after E0, ED, F0 and F4 to rule out overlong forms, surrogates
    /// and values above U+10FFFF.
    private static func secondByteRange(lead: UInt8) -> ClosedRange<UInt8> {
        switch lead {
        case 0xE0: 0xA0...0xBF
        case 0xED: 0x80...0x9F
        case 0xF0: 0x90...0xBF
        case 0xF4: 0x80...0x8F
        default: 0x80...0xBF
        }
    }

    /// The scalar at `index` and its length in bytes; nil if the bytes there
    /// are not a complete, well-formed sequence.
    static func decodeScalar<Bytes: RandomAccessCollection>(_ text: Bytes, at index: Int) -> (UInt32, Int)?
    where Bytes.Element == UInt8, Bytes.Index == Int {
        let lead = text[index]
        guard let length = sequenceLength(lead: lead), length > 1, text.endIndex - index >= length,
              decodeScalarPrefixIsValid(text, at: index) else { return nil }
        var scalar = UInt32(lead) & (0xFF >> UInt32(length + 1))
        for offset in 1..<length {
            scalar = scalar << 6 | UInt32(text[index + offset] & 0x3F)
        }
        return (scalar, length)
    }

    /// True if the bytes from `index` to the end of the sequence, or of
    /// `text` if that comes first, are well-formed so far.
    private static func decodeScalarPrefixIsValid<Bytes: RandomAccessCollection>(_ text: Bytes, at index: Int) -> Bool
    where Bytes.Element == UInt8, Bytes.Index == Int {
        let lead = text[index]
        guard let length = sequenceLength(lead: lead), length > 1 else { return false }
        let end = min(index + length, text.endIndex)
        for position in (index + 1)..<max(index + 1, end) {
            let allowed = position == index + 1 ? secondByteRange(lead: lead) : 0x80...0xBF
            guard allowed.contains(text[position]) else { return false }
        }
        return true
    }

    private static func appendEscaped(_ byte: UInt8, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        output.append(UInt8(ascii: "0") + (byte >> 6))
        output.append(UInt8(ascii: "0") + ((byte >> 3) & 7))
        output.append(UInt8(ascii: "0") + (byte & 7))
    }
}
