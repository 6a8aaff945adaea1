import Crypto
import SNCLab
import Testing

@Suite struct ReceiptTests {
    let hex = String(repeating: "0123456789abcdef", count: 4)

    @Test func receiptLineRoundTrips() throws {
        let digest = Array(SHA256.hash(data: Array("hello world".utf8)))
        let line = LabProtocol.receiptLine(byteCount: 11, digest: digest)
        #expect(line == "received 11 bytes sha256=b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9\n")
        let receipt = try #require(Receipt(line: line))
        #expect(receipt.byteCount == 11)
        #expect(receipt.sha256 == "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
    }

    @Test func parsesWithoutTrailingNewline() {
        #expect(Receipt(line: "received 0 bytes sha256=\(hex)") == Receipt(byteCount: 0, sha256: hex))
    }

    @Test(arguments: [
        "error: message exceeds 10 bytes\n",
        "received -1 bytes sha256=HEX\n",
        "received 10 bytes sha256=\(String(repeating: "A", count: 64))\n",
        "received 10 bytes sha256=\(String(repeating: "a", count: 63))\n",
        "received 10 bytes sha256=\(String(repeating: "a", count: 65))\n",
        "received 10 byte sha256=\(String(repeating: "a", count: 64))\n",
        "received 010 bytes sha256=\(String(repeating: "a", count: 64))\n",
        "received 10 bytes  sha256=\(String(repeating: "a", count: 64))\n",
        "received 10 bytes sha256=\(String(repeating: "a", count: 64))\nextra",
        "",
    ])
    func rejectsAnythingElse(_ line: String) {
        #expect(Receipt(line: line) == nil)
    }

    @Test func errorLinesNameTheLimit() {
        #expect(LabProtocol.tooLongLine(limit: 1024) == "error: message exceeds 1024 bytes\n")
        #expect(LabProtocol.idleLine(seconds: 2.5) == "error: idle for 2.5 s, closing\n")
    }

    @Test func hexIsLowercaseTwoDigitsPerByte() {
        #expect(LabProtocol.hex([0x00, 0x0f, 0xab, 0xff]) == "000fabff")
    }
}
