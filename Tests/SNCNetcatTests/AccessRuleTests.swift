import Testing
import SNCNetcat
import SNCSocket

@Suite struct AccessRuleTests {
    func address(_ host: String) throws -> SocketAddress {
        try #require(SocketAddress(numericHost: host, port: 1234))
    }

    @Test func prefixesMatchTheirNetworks() throws {
        let rules = try AccessRule.parse("10.1.0.0/16")
        #expect(rules.count == 1)
        #expect(rules[0].matches(try address("10.1.200.3")))
        #expect(!rules[0].matches(try address("10.2.0.1")))
        #expect(try AccessRule.parse("10.1.2.3/20")[0].matches(try address("10.1.15.255")))
        #expect(try AccessRule.parse("0.0.0.0/0")[0].matches(try address("192.0.2.1")))
    }

    @Test func ipv6AndMappedAddressesCompareSensibly() throws {
        let v6 = try AccessRule.parse("2001:db8::/32")[0]
        #expect(v6.matches(try address("2001:db8::1")))
        #expect(!v6.matches(try address("2001:db9::1")))
        // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d.
        let loopback = try AccessRule.parse("127.0.0.1")[0]
        #expect(loopback.matches(try address("::ffff:127.0.0.1")))
        #expect(!loopback.matches(try address("::1")))
    }

    @Test func badRulesAreUsageErrors() {
        #expect(throws: NetcatUsageError("invalid address or prefix: 1.2.3.4/33")) { try AccessRule.parse("1.2.3.4/33") }
        #expect(throws: NetcatUsageError("invalid address or prefix: ::1/129")) { try AccessRule.parse("::1/129") }
        #expect(throws: NetcatUsageError("invalid address or prefix: 1.2.3.4/x")) { try AccessRule.parse("1.2.3.4/x") }
        #expect(throws: NetcatUsageError("invalid address or prefix: name/8")) { try AccessRule.parse("name/8") }
    }

    @Test func denyWinsOverAllow() throws {
        let onlyDeny = AccessControl(denied: try AccessRule.parse("127.0.0.0/8"))
        #expect(!onlyDeny.permits(try address("127.0.0.1")))
        #expect(onlyDeny.permits(try address("::1")))
        let both = AccessControl(allowed: try AccessRule.parse("127.0.0.0/8"), denied: try AccessRule.parse("127.0.0.1"))
        #expect(!both.permits(try address("127.0.0.1")))
        #expect(both.refusal(for: try address("127.0.0.1")) == "denied by --deny")
        #expect(both.permits(try address("127.0.0.2")))
        #expect(!both.permits(try address("::1")))
        #expect(both.refusal(for: try address("::1")) == "not in --allow")
        let narrowAllow = AccessControl(allowed: try AccessRule.parse("127.0.0.1"), denied: try AccessRule.parse("127.0.0.0/8"))
        #expect(!narrowAllow.permits(try address("127.0.0.1")))
        #expect(AccessControl().permits(try address("192.0.2.1")))
    }
}
