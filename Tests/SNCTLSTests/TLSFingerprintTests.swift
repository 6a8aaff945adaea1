import Testing
import SNCTLS

@Suite struct TLSFingerprintTests {
    let digest: [UInt8] = (0..<32).map { UInt8($0 * 7 & 0xFF) }

    @Test func printsAndParsesTheBase64Form() throws {
        let printed = TLSFingerprint(digest: digest).description
        #expect(printed.hasPrefix("SHA256:"))
        #expect(!printed.hasSuffix("="))
        #expect(TLSFingerprint(parsing: printed)?.digest == digest)
        #expect(TLSFingerprint(parsing: printed + "=")?.digest == digest)
    }

    @Test func parsesOpenSSLsHexForm() {
        let hex = digest.map { String($0, radix: 16, uppercase: true) }.map { $0.count == 1 ? "0" + $0 : $0 }
        #expect(TLSFingerprint(parsing: hex.joined(separator: ":"))?.digest == digest)
        #expect(TLSFingerprint(parsing: hex.joined().lowercased())?.digest == digest)
    }

    @Test func refusesWhatIsNotAFingerprint() {
        #expect(TLSFingerprint(parsing: "SHA256:") == nil)
        #expect(TLSFingerprint(parsing: "SHA256:not*base64") == nil)
        #expect(TLSFingerprint(parsing: "SHA256:AAAA") == nil) // 3 bytes, not 32
        #expect(TLSFingerprint(parsing: String(repeating: "g", count: 64)) == nil)
        #expect(TLSFingerprint(parsing: "") == nil)
    }
}
