import Testing
import SNCNetcat

/// What a chat line may carry to other users' terminals: C1 controls, bidi
/// overrides and malformed UTF-8 are escaped as "\ooo", text is not.
@Suite struct ChatEscapingTests {
    private func shown(_ bytes: [UInt8]) -> String {
        String(decoding: ChatFormat.line(bytes, user: 1), as: UTF8.self)
    }

    @Test func c1ControlsAreEscapedAsEncodedInUTF8() {
        // U+009B (CSI) is C2 9B; "\u{9B}31m" would turn the next user's text red.
        #expect(shown([0x61, 0xC2, 0x9B, 0x33, 0x31, 0x6D, 0x62]) == "<user1> a\\302\\23331mb\n")
        #expect(shown(Array("\u{80}\u{85}\u{9F}".utf8)) == "<user1> \\302\\200\\302\\205\\302\\237\n")
        // U+00A0 and up are text.
        #expect(shown(Array("\u{A0}é".utf8)) == "<user1> \u{A0}é\n")
    }

    @Test func rawC1BytesAreEscaped() {
        // Alone they are not UTF-8, and an 8-bit terminal would act on them.
        #expect(shown([0x9B, 0x32, 0x4A]) == "<user1> \\2332J\n")
        #expect(shown([0x80, 0x9F]) == "<user1> \\200\\237\n")
    }

    @Test func bidiOverridesAndIsolatesAreEscaped() {
        for scalar in Array(0x202A...0x202E) + Array(0x2066...0x2069) {
            let encoded = Array(String(UnicodeScalar(UInt32(scalar))!).utf8)
            let escaped = encoded.map { "\\" + String($0, radix: 8) }.joined()
            #expect(shown(Array("x".utf8) + encoded + Array("y".utf8)) == "<user1> x\(escaped)y\n")
        }
        // Neighbours that do not reorder anything stay text: U+2029, U+202F, U+2065, U+206A.
        #expect(shown(Array("\u{2029}\u{202F}\u{206A}".utf8)) == "<user1> \u{2029}\u{202F}\u{206A}\n")
        #expect(shown(Array("日本語 ok".utf8)) == "<user1> 日本語 ok\n")
        #expect(shown(Array("😀".utf8)) == "<user1> 😀\n")
    }

    @Test func malformedUTF8IsEscapedByteByByteWithoutHidingAControl() {
        // An overlong C1 control (E0 82 9B decodes loosely to U+009B) is malformed, not text.
        #expect(shown([0xE0, 0x82, 0x9B]) == "<user1> \\340\\202\\233\n")
        // Overlong slash, a surrogate, above U+10FFFF, a lone lead, a stray continuation.
        #expect(shown([0xC0, 0xAF]) == "<user1> \\300\\257\n")
        #expect(shown([0xED, 0xA0, 0x80]) == "<user1> \\355\\240\\200\n")
        #expect(shown([0xF4, 0x90, 0x80, 0x80]) == "<user1> \\364\\220\\200\\200\n")
        #expect(shown([0xE2, 0x80]) == "<user1> \\342\\200\n")
        #expect(shown([0xBF, 0x41]) == "<user1> \\277A\n")
        #expect(shown([0xFF, 0xFE]) == "<user1> \\377\\376\n")
        // A lead byte cut short by a control: both are escaped, the text after survives.
        #expect(shown([0xE2, 0x1B, 0x5B, 0x41]) == "<user1> \\342\\033[A\n")
    }

    @Test func everyByteValueGivesOneLineAndNoRawControl() {
        // All 256 bytes in one line: one newline at the end, and no byte a
        // terminal acts on except inside an escape.
        var input: [UInt8] = []
        for byte in 0...255 where byte != 0x0A { input.append(UInt8(byte)) }
        let output = ChatFormat.line(input, user: 7)
        #expect(output.filter { $0 == 0x0A }.count == 1 && output.last == 0x0A)
        #expect(!output.dropLast().contains { $0 < 0x20 && $0 != 0x09 })
        #expect(!output.contains { (0x7F...0xFF).contains($0) })  // every high byte here is malformed alone
    }

    @Test func malformedInputDoesNotMergeLines() {
        var lines = ChatLines()
        let out = lines.feed([0xE2, 0x80, 0x0A, 0xC2, 0x0A, 0x41, 0x0A], user: 2)
        #expect(String(decoding: out, as: UTF8.self) == "<user2> \\342\\200\n<user2> \\302\n<user2> A\n")
    }

    @Test func aLongLineIsNotCutInsideACharacter() {
        var lines = ChatLines()
        // 4095 ASCII bytes then "€" (E2 82 AC): the piece ends before the euro sign.
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: ChatLines.longestLine - 1) + Array("€".utf8) + [0x0A]
        let out = lines.feed(long, user: 1)
        let expected = "<user1> " + String(repeating: "x", count: ChatLines.longestLine - 1) + "\n<user1> €\n"
        #expect(String(decoding: out, as: UTF8.self) == expected)
        #expect(TerminalSafeText.completePrefixLength(Array("ab€".utf8).dropLast()) == 2)
        #expect(TerminalSafeText.completePrefixLength(Array("ab€".utf8)) == 5)
        #expect(TerminalSafeText.completePrefixLength([0x41, 0xFF]) == 2)
        #expect(TerminalSafeText.completePrefixLength([0x41, 0xE0, 0x80]) == 3)  // malformed: nothing to carry over
    }
}
