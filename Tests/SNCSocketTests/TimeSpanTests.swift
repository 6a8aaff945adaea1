import Testing
import SNCSocket

@Suite struct TimeSpanTests {
    /// Every form snc took before durations had a type: Double(String) in full.
    @Test(arguments: [("2", 2.0), ("0.5", 0.5), (".5", 0.5), ("1e1", 10), ("0x10", 16), ("0", 0), ("31536000", 31_536_000), ("1e-9", 1e-9)])
    func decimalSecondsParse(_ text: String, _ seconds: Double) throws {
        #expect(try #require(TimeSpan(text)).seconds == seconds)
    }

    /// ncat's units (`ncat -i 500ms`, `-w 2s`), in any case.
    @Test(arguments: [("500ms", 0.5), ("2s", 2.0), ("1.5m", 90), ("1h", 3600), ("2S", 2.0), ("250MS", 0.25), ("0s", 0), ("1e1s", 10)])
    func ncatUnitsParse(_ text: String, _ seconds: Double) throws {
        #expect(try #require(TimeSpan(text)).seconds == seconds)
    }

    @Test(arguments: ["", "abc", "s", "ms", "2x", "2 s", "2sec", "2mss", "-2s", "nans", "infh", "nan", "NaN", "-nan", "inf", "+inf", "-inf", "infinity", "1e400", "-1", "-0.5", "-1e300", "2,5", "0x"])
    func garbageNonFiniteAndNegativeAreRefused(_ text: String) {
        #expect(TimeSpan(text) == nil)
    }

    @Test func minusZeroIsZero() throws {
        let span = try #require(TimeSpan("-0"))
        #expect(span.isZero && span.seconds.sign == .plus && span.description == "0")
    }

    @Test func descriptionIsWhatAPersonTypes() throws {
        #expect(TimeSpan.seconds(10).description == "10")
        #expect(try #require(TimeSpan("0.25")).description == "0.25")
        #expect(try #require(TimeSpan("1e20")).description == "1e+20")
    }

    @Test func rulesRefuseZeroAndTooLongInOneShape() throws {
        let moreThanZero = TimeSpanRule(allowsZero: false, longestSeconds: 31_536_000, longestInWords: "a year")
        let allowingZero = TimeSpanRule(allowsZero: true, longestSeconds: 31_536_000, longestInWords: "a year")
        #expect(moreThanZero.refusal(of: .zero, option: "--timeout") == "--timeout must be more than 0 and at most 31536000 seconds (a year)")
        #expect(moreThanZero.refusal(of: .seconds(31_536_000), option: "--timeout") == nil)
        #expect(moreThanZero.refusal(of: try #require(TimeSpan("1e-9")), option: "--timeout") == nil)
        #expect(allowingZero.refusal(of: .zero, option: "--grace") == nil)
        #expect(allowingZero.refusal(of: try #require(TimeSpan("31536000.5")), option: "--grace") == "--grace must be 0 to 31536000 seconds (a year)")
        let unnamed = TimeSpanRule(allowsZero: false, longestSeconds: 2_147_483)
        #expect(unnamed.refusal(of: try #require(TimeSpan("1e300")), option: "-w") == "-w must be more than 0 and at most 2147483 seconds")
    }
}
