// Imports Foundation only to compare: snc's base64 replaced Foundation's and
// must encode and decode exactly as it did.
import FoundationEssentials
import SNCForward
import Testing

@Suite struct Base64Tests {
    /// Every length from 0 to 64 (all three padding cases), varied bytes.
    private let samples: [[UInt8]] = (0...64).map { length in (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length) } }

    @Test func encodesAsFoundationDid() {
        for bytes in samples {
            let expected = Data(bytes).base64EncodedString()
            #expect(Base64.encode(bytes) == expected)
            #expect(Base64.encode(bytes, padded: false) == String(expected.prefix { $0 != "=" }))
        }
    }

    @Test func decodesWhatItEncodesIgnoringWhitespace() {
        for bytes in samples {
            let text = Base64.encode(bytes)
            #expect(Base64.decode(text) == bytes)
            let wrapped = text.utf8.enumerated().map { $0.offset % 5 == 4 ? "\r\n" + String(UnicodeScalar($0.element)) : String(UnicodeScalar($0.element)) }.joined()
            #expect(Base64.decode(" \t" + wrapped + "\n") == bytes)
        }
    }

    @Test(arguments: ["Zm9v!", "Zm9", "Z===", "Zg==Zg==", "Zm9v\u{0B}", "é123"])
    func refusesWhatFoundationRefused(text: String) {
        #expect(Data(base64Encoded: text) == nil)
        #expect(Base64.decode(text) == nil)
    }

    /// Foundation decoded "Zm=v" to two bytes; padding can only end a
    /// group (RFC 4648 §3.3), so snc refuses it.
    @Test func paddingInsideAGroupIsRefused() {
        #expect(Base64.decode("Zm=v") == nil)
        #expect(Base64.decode("Zm9v") == Array("foo".utf8))
    }
}
