import SNCForward
import Testing
import Glibc

/// Each hop of a chain is resolved as ssh resolves the `ssh -l U -p P -J
/// EARLIER -F FILE HOP` it runs for ProxyJump. Expected values were read from
/// `ssh -G -F FILE -J 'ju@alpha:2200' beta` and `ssh -G -F FILE -l ju -p 2200
/// alpha` (OpenSSH 9.2) for the same file.
private let config = """
    Host target
      ProxyJump ju@alpha:2200,beta
      User tuser
    Host alpha
      HostName alpha.example.edu
      Port 22
      User auser
    Host beta
      HostName 10.0.0.2
      Port 2022
      ProxyJump gamma
      IdentityFile ~/.ssh/beta_key
    Host *
      User fallback
    """

private func withConfig<Result>(_ body: (String) throws -> Result) throws -> Result {
    var template = Array("/tmp/snc-hops-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    let bytes = Array(config.utf8)
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    defer { unlink(path) }
    return try body(path)
}

@Test func eachHopIsResolvedAsSshResolvesTheCommandItRunsForIt() throws {
    try withConfig { path in
        var commandLine = HostConfiguration.CommandLine(destination: "target")
        commandLine.configFile = path
        // An -o option of the destination's is not passed on to the hops (ssh passes only -F).
        commandLine.options = ["User=override"]
        let target = try HostConfiguration.resolve(commandLine)
        guard case .jump(let hops)? = target.proxy, hops.count == 2 else {
            Issue.record("no two-hop chain: \(String(describing: target.proxy))")
            return
        }
        #expect(target.user == "override")

        // The last hop, reached through the ones before it: its own block, and
        // the earlier hops as its -J, which wins over its own ProxyJump.
        let beta = try target.jumpHost(hops[1], reachedThrough: hops[..<1])
        #expect(beta.hostName == "10.0.0.2" && beta.port == 2022 && beta.user == "fallback")
        #expect(beta.identityFiles == ["~/.ssh/beta_key"])
        #expect(beta.proxy == .jump(Array(hops[..<1])))
        #expect(beta.configFile == path)

        // The first hop: the user and port written in the hop beat its block's.
        let alpha = try beta.jumpHost(hops[0], reachedThrough: [])
        #expect(alpha.hostName == "alpha.example.edu" && alpha.port == 2200 && alpha.user == "ju")
        #expect(alpha.proxy == nil)
    }
}
