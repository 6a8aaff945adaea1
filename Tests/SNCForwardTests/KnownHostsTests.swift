import SNCForward
import SNCSSH
import Testing

/// A test key and known_hosts lines hashed by `ssh-keygen -H` (for
/// flip.example.edu on port 22 and on port 2222).
private let keyBase64 = "AAAAC3NzaC1lZDI1NTE5AAAAIOkuFHzVqVJtLyxguecLQsEYfLsw2xtSu88g4cGzX+gB"
private let hashedPort22 = "|1|CDPeyw5tmoRLLnO7ZeBRSvkrkU8=|M4dKBDVID1Xk0Swo1R52L8uMEVg= ssh-ed25519 \(keyBase64)"
private let hashedPort2222 = "|1|6AVCRA4MaTN+i/LLyc20+leOXl4=|CbC6NLX9bPLDYxKK+LAUmpsRh7k= ssh-ed25519 \(keyBase64)"
private let ecdsaBase64 = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEri3jt5WjT/zKUfyyBbZTSsKpTEUkjmaLkCPnyKq+tQgEfHxT2RMXLVj9pn4lx3xGfQJD6xOb9hygFMEFThfPo="
private let otherBase64 = "AAAAC3NzaC1lZDI1NTE5AAAAIE000000000000000000000000000000000000000000"

private func key(_ base64: String = keyBase64) -> SSHHostKey {
    SSHHostKey(blob: Base64.decode(base64) ?? [], algorithm: "ssh-ed25519")
}

@Test func hashedEntriesFromSshKeygenMatchTheirHostAndPortOnly() {
    let hosts = KnownHosts(entries: KnownHosts.parse(hashedPort22 + "\n" + hashedPort2222 + "\n", file: "kh"))
    #expect(hosts.entries.count == 2)
    #expect(hosts.status(of: key(), named: "flip.example.edu") == .ok(hosts.entries[0]))
    #expect(hosts.status(of: key(), named: "[flip.example.edu]:2222") == .ok(hosts.entries[1]))
    #expect(hosts.status(of: key(), named: "[flip.example.edu]:2223") == .new)
    #expect(hosts.status(of: key(), named: "flop.example.edu") == .new)
}

@Test func patternsWithWildcardsAndNegation() {
    let hosts = KnownHosts(entries: KnownHosts.parse("*.example.edu,!evil.example.edu ssh-ed25519 \(keyBase64)\n", file: "kh"))
    #expect(hosts.keys(host: "flip.example.edu", port: 22).count == 1)
    #expect(hosts.keys(host: "evil.example.edu", port: 22).isEmpty)
    #expect(hosts.keys(host: "example.edu", port: 22).isEmpty)
    let bracketed = KnownHosts(entries: KnownHosts.parse("[fli?.example.edu]:2222 ssh-ed25519 \(keyBase64)\n", file: "kh"))
    #expect(bracketed.keys(host: "flip.example.edu", port: 2222).count == 1)
    #expect(bracketed.keys(host: "flip.example.edu", port: 22).isEmpty)
}

@Test func anyOtherKeyForTheHostIsAChangeWhateverItsType() {
    // OpenSSH's check_hostkeys_by_key_or_type: a known ECDSA key and a
    // server showing Ed25519 is "changed" (Offending ECDSA key), not "new".
    let hosts = KnownHosts(entries: KnownHosts.parse("flip ecdsa-sha2-nistp256 \(ecdsaBase64)\n", file: "kh"))
    #expect(hosts.entries.count == 1)
    #expect(hosts.status(of: key(), named: "flip") == .changed(offending: hosts.entries[0]))
    #expect(hosts.keyTypes(named: "flip") == ["ecdsa-sha2-nistp256"])
}

@Test func theLastDifferentKeyIsTheOffendingOneUnlessOneMatches() {
    let text = """
        flip ssh-ed25519 \(otherBase64)
        flip ecdsa-sha2-nistp256 \(ecdsaBase64)
        """
    let hosts = KnownHosts(entries: KnownHosts.parse(text, file: "kh"))
    #expect(hosts.status(of: key(), named: "flip") == .changed(offending: hosts.entries[1]))
    let matching = KnownHosts(entries: KnownHosts.parse(text + "\nflip ssh-ed25519 \(keyBase64)\n", file: "kh"))
    #expect(matching.status(of: key(), named: "flip") == .ok(matching.entries[2]))
}

@Test func revokedCountsOnlyOnLinesNamingTheHost() {
    let text = """
        flip ssh-ed25519 \(keyBase64)
        @revoked other ssh-ed25519 \(keyBase64)
        """
    let hosts = KnownHosts(entries: KnownHosts.parse(text, file: "kh"))
    #expect(hosts.status(of: key(), named: "flip") == .ok(hosts.entries[0]))
    let revoked = KnownHosts(entries: KnownHosts.parse(text + "\n@revoked * ssh-ed25519 \(keyBase64)\n", file: "kh"))
    #expect(revoked.status(of: key(), named: "flip") == .revoked)
}

@Test func crlfLinesAreLinesNotOneComment() {
    // Issue 7: "# c\r\n" then the key line; split on Characters the two merged.
    let bytes = Array("# c\r\nflip ssh-ed25519 \(otherBase64)\r\n".utf8)
    let hosts = KnownHosts(entries: KnownHosts.parse(bytes, file: "kh"))
    #expect(hosts.entries.map(\.line) == [2])
    #expect(hosts.status(of: key(), named: "flip") == .changed(offending: hosts.entries[0]))
}

@Test func unparseableLinesAndMarkersAreSkippedNotFatal() {
    let text = """
        # a comment

        garbage
        @cert-authority *.example.edu ssh-ed25519 \(keyBase64)
        host ssh-ed25519 not!base64
        host ssh-rsa \(keyBase64)
        @unknown-marker host ssh-ed25519 \(keyBase64)
        flip ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEdJ
        |1|c2FsdA==|aGFzaA== ssh-ed25519 \(keyBase64)
        flip ssh-ed25519 \(keyBase64) trailing comment
        """
    let hosts = KnownHosts(entries: KnownHosts.parse(text, file: "kh"))
    #expect(hosts.entries.map(\.line) == [4, 10])
    #expect(hosts.entries[0].marker == .certificateAuthority)
    #expect(hosts.keys(host: "x.example.edu", port: 22).isEmpty)
    #expect(hosts.status(of: key(), named: "flip") == .ok(hosts.entries[1]))
}

@Test func writtenLinesReadBackPlainAndHashed() {
    let plain = KnownHosts.line(host: "flip", port: 2222, key: key(), hashed: false)
    #expect(plain == "[flip]:2222 ssh-ed25519 \(keyBase64)")
    #expect(KnownHosts.line(name: "MyAlias", key: key(), hashed: false) == "myalias ssh-ed25519 \(keyBase64)")
    let hashed = KnownHosts.line(host: "flip", port: 2222, key: key(), hashed: true)
    #expect(hashed.hasPrefix("|1|"))
    #expect(!hashed.contains("flip"))
    let hosts = KnownHosts(entries: KnownHosts.parse(hashed, file: "kh"))
    #expect(hosts.keys(host: "flip", port: 2222).count == 1)
    #expect(hosts.keys(host: "flip", port: 22).isEmpty)
}

@Test func hostKeyBlobsAreCheckedAsOpenSSHLoadsThem() {
    #expect(HostKeyBlob.validatedAlgorithm(of: Base64.decode(keyBase64) ?? []) == "ssh-ed25519")
    #expect(HostKeyBlob.validatedAlgorithm(of: Base64.decode(ecdsaBase64) ?? []) == "ecdsa-sha2-nistp256")
    // Truncated, trailing bytes, a point off the curve.
    #expect(HostKeyBlob.validatedAlgorithm(of: Array((Base64.decode(keyBase64) ?? []).dropLast())) == nil)
    #expect(HostKeyBlob.validatedAlgorithm(of: (Base64.decode(keyBase64) ?? []) + [0]) == nil)
    var offCurve = Base64.decode(ecdsaBase64) ?? []
    offCurve[offCurve.count - 1] ^= 1
    #expect(HostKeyBlob.validatedAlgorithm(of: offCurve) == nil)
}

@Test func fingerprintIsSshKeygensSHA256() {
    #expect(key().fingerprint == "SHA256:eWE1V0kF43EQJL8z7If/6JLZTAYsUHu182qODGzcI6k")
    #expect(key().displayType == "ED25519")
}

@Test func base64RoundTrips() {
    for count in 0..<40 {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
    }
    #expect(Base64.encode(Array("ab".utf8), padded: false) == "YWI")
    #expect(Base64.decode("!!") == nil)
}

@Test func base64DecodesArmoredBodiesAcrossLines() {
    // Key files wrap base64 at 70 columns with "\n" (and "\r\n" on some systems).
    #expect(Base64.decode("\nYWJj\nZGVm\n") == Array("abcdef".utf8))
    #expect(Base64.decode("YWJj\r\nZGVm\r\n") == Array("abcdef".utf8))
    #expect(Base64.decode(" YW Jj\tZGVm ") == Array("abcdef".utf8))
}

@Test func knownHostsPatternsAreLowercasedButNamesAreNot() {
    // OpenSSH's match_hostname lowercases the pattern list only.
    #expect(HostPattern.matchHostname("myalias", commaList: "MyAlias") == .matched)
    #expect(HostPattern.matchHostname("MyAlias", commaList: "MyAlias") == .none)
    #expect(HostPattern.matchHostname("[127.0.0.1]:2222", commaList: "*,![127.0.0.1]:2222") == .negated)
    #expect(HostPattern.matchHostname("[127.0.0.1]:2222", commaList: "[127.0.0.?]:2222") == .matched)
    // A sub-pattern of 1023 bytes or more makes the whole list match nothing.
    #expect(HostPattern.matchHostname("flip", commaList: "flip," + String(repeating: "x", count: 1023)) == .none)
}
