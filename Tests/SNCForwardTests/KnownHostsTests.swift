import SNCForward
import SNCSSH
import Testing

/// A test key and known_hosts lines hashed by `ssh-keygen -H` (for
/// flip.example.edu on port 22 and on port 2222).
private let keyBase64 = "AAAAC3NzaC1lZDI1NTE5AAAAIOkuFHzVqVJtLyxguecLQsEYfLsw2xtSu88g4cGzX+gB"
private let hashedPort22 = "|1|CDPeyw5tmoRLLnO7ZeBRSvkrkU8=|M4dKBDVID1Xk0Swo1R52L8uMEVg= ssh-ed25519 \(keyBase64)"
private let hashedPort2222 = "|1|6AVCRA4MaTN+i/LLyc20+leOXl4=|CbC6NLX9bPLDYxKK+LAUmpsRh7k= ssh-ed25519 \(keyBase64)"
private let otherBase64 = "AAAAC3NzaC1lZDI1NTE5AAAAIE000000000000000000000000000000000000000000"

private func key(_ base64: String = keyBase64) -> SSHHostKey {
    SSHHostKey(blob: Base64.decode(base64) ?? [], algorithm: "ssh-ed25519")
}

@Test func hashedEntriesFromSshKeygenMatchTheirHostAndPortOnly() {
    let hosts = KnownHosts(entries: KnownHosts.parse(hashedPort22 + "\n" + hashedPort2222 + "\n", file: "kh"))
    #expect(hosts.entries.count == 2)
    #expect(hosts.verdict(host: "flip.example.edu", port: 22, key: key()) == .known(hosts.entries[0]))
    #expect(hosts.verdict(host: "flip.example.edu", port: 2222, key: key()) == .known(hosts.entries[1]))
    #expect(hosts.verdict(host: "flip.example.edu", port: 2223, key: key()) == .unknown(otherTypes: []))
    #expect(hosts.verdict(host: "flop.example.edu", port: 22, key: key()) == .unknown(otherTypes: []))
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

@Test func changedRevokedAndOtherTypes() {
    let text = """
        flip ssh-ed25519 \(otherBase64)
        flip ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEdJ
        @revoked * ssh-ed25519 \(keyBase64)
        """
    let hosts = KnownHosts(entries: KnownHosts.parse(text, file: "kh"))
    guard case .revoked = hosts.verdict(host: "flip", port: 22, key: key()) else {
        Issue.record("a revoked key must be refused")
        return
    }
    let withoutRevoked = KnownHosts(entries: hosts.entries.filter { $0.marker == .none })
    guard case .changed(let offending) = withoutRevoked.verdict(host: "flip", port: 22, key: key()) else {
        Issue.record("a different ed25519 key for the host is a change")
        return
    }
    #expect(offending.map(\.line) == [1])
    #expect(withoutRevoked.keyTypes(host: "flip", port: 22) == ["ssh-ed25519", "ecdsa-sha2-nistp256"])
}

@Test func unparseableLinesAndMarkersAreSkippedNotFatal() {
    let text = """
        # a comment

        garbage
        @cert-authority *.example.edu ssh-ed25519 \(keyBase64)
        host ssh-ed25519 not!base64
        host ssh-rsa \(keyBase64)
        @unknown-marker host ssh-ed25519 \(keyBase64)
        flip ssh-ed25519 \(keyBase64) trailing comment
        """
    let hosts = KnownHosts(entries: KnownHosts.parse(text, file: "kh"))
    #expect(hosts.entries.map(\.line) == [4, 8])
    #expect(hosts.entries[0].marker == .certificateAuthority)
    #expect(hosts.keys(host: "x.example.edu", port: 22).isEmpty)
    #expect(hosts.verdict(host: "flip", port: 22, key: key()) == .known(hosts.entries[1]))
}

@Test func writtenLinesReadBackPlainAndHashed() {
    let plain = KnownHosts.line(host: "flip", port: 2222, key: key(), hashed: false)
    #expect(plain == "[flip]:2222 ssh-ed25519 \(keyBase64)")
    let hashed = KnownHosts.line(host: "flip", port: 2222, key: key(), hashed: true)
    #expect(hashed.hasPrefix("|1|"))
    #expect(!hashed.contains("flip"))
    let hosts = KnownHosts(entries: KnownHosts.parse(hashed, file: "kh"))
    #expect(hosts.keys(host: "flip", port: 2222).count == 1)
    #expect(hosts.keys(host: "flip", port: 22).isEmpty)
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
