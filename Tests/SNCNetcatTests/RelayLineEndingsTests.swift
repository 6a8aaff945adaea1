import Testing
import SNCNetcat

@Suite struct RelayLineEndingsTests {
    /// Feeds `chunks` as successive reads and returns what -C sends.
    func expand(_ chunks: [[UInt8]]) -> [UInt8] {
        var lineEndings = RelayLineEndings()
        var output: [UInt8] = []
        for chunk in chunks { lineEndings.expand(chunk, into: &output) }
        return output
    }

    @Test func bareLineFeedsBecomeCRLF() {
        #expect(expand([Array("a\nb\n\n".utf8)]) == Array("a\r\nb\r\n\r\n".utf8))
    }

    @Test func existingCRLFStaysAsItIs() {
        #expect(expand([Array("a\r\nb\r\n".utf8)]) == Array("a\r\nb\r\n".utf8))
        // A lone CR is not a line ending of its own, and CR CR LF keeps both CRs.
        #expect(expand([Array("a\rb\r\r\n".utf8)]) == Array("a\rb\r\r\n".utf8))
    }

    @Test func aCRAtTheEndOfOneReadPairsWithTheLFStartingTheNext() {
        #expect(expand([Array("a\r".utf8), Array("\nb\n".utf8)]) == Array("a\r\nb\r\n".utf8))
        #expect(expand([Array("a\r".utf8), [], Array("\n".utf8)]) == Array("a\r\n".utf8))
        #expect(expand([Array("a\rx".utf8), Array("\n".utf8)]) == Array("a\rx\r\n".utf8))
    }

    @Test func theLimitCoversTheWorstCase() {
        let allLineFeeds = [UInt8](repeating: 0x0A, count: 100)
        #expect(expand([allLineFeeds]).count == RelayLineEndings.expandedLimit(of: allLineFeeds.count))
    }
}
