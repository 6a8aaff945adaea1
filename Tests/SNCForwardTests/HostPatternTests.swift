import SNCForward
import Testing

@Test func globs() {
    #expect(HostPattern.matches("flip.example.edu", glob: "*.example.edu"))
    #expect(HostPattern.matches("FLIP", glob: "flip"))
    #expect(HostPattern.matches("flip1", glob: "flip?"))
    #expect(!HostPattern.matches("flip12", glob: "flip?"))
    #expect(HostPattern.matches("a.b.c", glob: "a*c"))
    #expect(HostPattern.matches("", glob: "*"))
    #expect(!HostPattern.matches("abc", glob: "a*d"))
    #expect(HostPattern.matches("aXbXc", glob: "*X*X*"))
}

@Test func listsWithNegation() {
    #expect(HostPattern.match("flip", commaList: "flip,flop") == .matched)
    #expect(HostPattern.match("evil.x", commaList: "*.x,!evil.x") == .negated)
    #expect(HostPattern.match("good.x", commaList: "*.x,!evil.x") == .matched)
    #expect(HostPattern.match("y", commaList: "!evil.x") == .none)
}
