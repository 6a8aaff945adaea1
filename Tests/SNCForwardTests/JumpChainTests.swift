import SNCForward
import Testing

/// Expected values from OpenSSH 9.2's parse_jump (ssh -G -J VALUE and
/// "ProxyJump VALUE" accept or refuse the same texts).
@Test func jumpHopsParseAsSshParsesThem() {
    #expect(JumpChain.parse("none") == JumpChain.Parsed.direct)
    #expect(JumpChain.parse("NONE # comment") == JumpChain.Parsed.direct)
    guard case .hops(let hops)? = JumpChain.parse("u@a:2200,ssh://b@[::1]:23/,c") else {
        Issue.record("a valid chain was refused")
        return
    }
    #expect(hops.map(\.host) == ["a", "::1", "c"])
    #expect(hops.map(\.user) == ["u", "b", nil])
    #expect(hops.map(\.port) == [2200, 23, nil])
    #expect(hops[1].normalized == "b@[::1]:23")
    #expect(hops[0].written == "u@a:2200")
}

@Test(arguments: ["", "a,,b", "a,", ":22", "a:0", "a:70000", "a:x", "@a", "[::1", "[::1]x", "a:1:2", "ssh://a/path", "-a", "a;b"])
func malformedJumpHopsAreRefused(_ value: String) {
    #expect(JumpChain.parse(value) == nil)
}
