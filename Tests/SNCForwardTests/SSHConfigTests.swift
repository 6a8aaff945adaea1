import SNCForward
import Testing
import Glibc

private func writeTemporary(_ text: String) -> String {
    var template = Array("/tmp/snc-config-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

private func resolve(_ host: String, _ config: String, options: [String] = [], port: UInt16? = nil) throws -> HostConfiguration {
    let path = writeTemporary(config)
    defer { unlink(path) }
    var commandLine = HostConfiguration.CommandLine(destination: host)
    commandLine.configFile = path
    commandLine.options = options
    commandLine.port = port
    return try HostConfiguration.resolve(commandLine)
}

/// Expected values were read from `ssh -G -F FILE HOST` (OpenSSH 9.2) for the same file.
private let config = """
    Host flip flip.*
      HostName %h.example.edu
      User onid
      IdentityFile ~/.ssh/k_%r_%h
      LocalForward 8080 localhost:9000
      ServerAliveInterval 1m30s
    Host *.example.edu !bad.example.edu
      StrictHostKeyChecking accept-new
      Port 2222
    Match host flip
      User matched
    Host *
      IdentityFile ~/.ssh/other
      User fallback
      BatchMode=yes
    """

@Test func firstValueWinsAndIdentityFilesAccumulate() throws {
    let resolved = try resolve("flip", config)
    #expect(resolved.hostName == "flip.example.edu")
    #expect(resolved.user == "onid")
    #expect(resolved.port == 22)  // Host lines match the name given, not HostName
    #expect(resolved.identityFiles == ["~/.ssh/k_%r_%h", "~/.ssh/other"])
    #expect(resolved.serverAliveInterval == 90)
    #expect(resolved.batchMode)
    #expect(resolved.localForwards == [ForwardSpec(bindAddress: nil, port: 8080, host: "localhost", hostPort: 9000)])
    #expect(resolved.identityPaths.first == resolved.home + "/.ssh/k_onid_flip.example.edu")
    #expect(resolved.notes.contains { $0.contains("Match") })
}

@Test func negatedPatternsAndDefaults() throws {
    let good = try resolve("x.example.edu", config)
    #expect(good.strictHostKeyChecking == .acceptNew && good.port == 2222 && good.user == "fallback")
    let bad = try resolve("bad.example.edu", config)
    #expect(bad.strictHostKeyChecking == .ask && bad.port == 22)
    #expect(bad.serverAliveInterval == 300)  // Debian: BatchMode implies ServerAliveInterval 300
    #expect(bad.serverAliveCountMax == 3)
}

@Test func commandLineOverridesTheFile() throws {
    let resolved = try resolve("flip", config, options: ["User=me", "StrictHostKeyChecking no", "Port=7"], port: 9)
    #expect(resolved.user == "me")
    #expect(resolved.strictHostKeyChecking == .no)
    #expect(resolved.port == 7)
}

@Test func badValuesNameFileAndLine() throws {
    #expect(throws: ConfigError.self) { try resolve("x", "Host x\n  BatchMode maybe\n") }
    #expect(throws: ConfigError.self) { try resolve("x", "Port 99999\n") }
}

@Test func lineSplitting() {
    #expect(SSHConfigParser.split(line: "  HostName=flip # comment")?.0 == "hostname")
    #expect(SSHConfigParser.split(line: "UserKnownHostsFile ~/a \"/b c\"")?.1 == ["~/a", "/b c"])
    #expect(SSHConfigParser.split(line: "# only a comment") == nil)
    #expect(SSHConfigParser.split(line: "Port = 22")?.1 == ["22"])
}

@Test func timeValues() {
    #expect(SSHConfigParser.parseTime("90") == 90)
    #expect(SSHConfigParser.parseTime("1m30s") == 90)
    #expect(SSHConfigParser.parseTime("2h") == 7200)
    #expect(SSHConfigParser.parseTime("1x") == nil)
    #expect(SSHConfigParser.parseTime("") == nil)
}

@Test func includeReadsFilesInPlace() throws {
    let included = writeTemporary("Host inc\n  User included\n  Port 2022\n")
    defer { unlink(included) }
    let resolved = try resolve("inc", "Host inc\n  Include \(included)\n  User outer\n")
    #expect(resolved.user == "included")
    #expect(resolved.port == 2022)
    let elsewhere = try resolve("other", "Host inc\n  Include \(included)\nHost *\n  User outer\n")
    #expect(elsewhere.user == "outer")
}

@Test func timeValuesPastIntMaxAreRejectedNotTrapped() {
    #expect(SSHConfigParser.parseTime("99999999999999999w") == nil)
    #expect(SSHConfigParser.parseTime("9223372036854775807s") == nil)
    #expect(SSHConfigParser.parseTime("99999999999999999999") == nil)
    #expect(SSHConfigParser.parseTime("2147483647") == 2147483647)
    #expect(SSHConfigParser.parseTime("2147483647s1s") == nil)
}

private func writeTemporary(bytes: [UInt8]) -> String {
    var template = Array("/tmp/snc-config-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Expected values from `ssh -G` (OpenSSH 9.2) for the same lines.
@Test func linesSplitAsSSHSplitsThem() throws {
    func words(_ line: String) throws -> [String]? { try SSHConfigLine.parse(Array(line.utf8)).map { [$0.keyword] + $0.arguments } }
    #expect(try words("Host q\r") == ["host", "q"])
    #expect(try words("  User 'o n' \"a'b\" c\\ d \\\"e\\\\") == ["user", "o n", "a'b", "c d", "\"e\\"])
    #expect(try words("\"User\" bob") == ["user", "bob"])
    #expect(try words("\"User bob") == nil)  // ssh ignores a line whose keyword quote never closes
    #expect(try words("User bob # comment") == ["user", "bob"])
    #expect(try words("IdentityFile ~/k#x") == ["identityfile", "~/k#x"])
    #expect(try words("User=bob") == ["user", "bob"])
    #expect(try words("Port = 22") == ["port", "22"])
    #expect(try words("   \r") == nil)
    #expect(try SSHConfigLine.parse(Array("User bob\0junk".utf8))?.arguments == ["bob"])
    #expect(throws: SSHConfigLine.Problem.invalidQuotes) { try SSHConfigLine.parse(Array("User \"bob".utf8)) }
    #expect(throws: SSHConfigLine.Problem.noArgument(keyword: "port")) { try SSHConfigLine.parse(Array("Port \r".utf8)) }
    #expect(try SSHConfigLine.parse(Array("ProxyCommand = nc %h  %p".utf8))?.rawArgument == "nc %h  %p")
}

@Test func crlfFilesAndIncludesApply() throws {
    let included = writeTemporary(bytes: Array("Host inc\r\n  Port 2200\r\n".utf8))
    defer { unlink(included) }
    let resolved = try resolve("inc", "Include \(included)\r\nHost inc\r\n  User \"in c\"\r\n")
    #expect(resolved.port == 2200)
    #expect(resolved.user == "in c")
}

@Test func malformedLinesRejectTheFileEvenForOtherHosts() throws {
    #expect(throws: ConfigError.self) { try resolve("x", "Host other\n  User \"bob\nHost x\n  Port 2\n") }
    #expect(throws: ConfigError.self) { try resolve("x", "Host other\n  Port\n") }
    #expect(throws: ConfigError.self) { try resolve("x", "Host other\n  BatchMode maybe\n") }
    #expect(throws: ConfigError.self) { try resolve("x", "Host x\n  User a b\n") }
}

@Test func connectionKeywordsAreRefusedUnlessOff() throws {
    #expect(throws: ConfigError.self) { try resolve("q", "Host q\n  ControlMaster auto\n") }
    #expect(throws: ConfigError.self) { try resolve("q", "Host q\n  Port 2\n", options: ["GatewayPorts=yes"]) }
    _ = try resolve("q", "Host q\n  ProxyCommand none\n  ProxyJump bastion\n  ControlMaster no\n  ControlPath none\n")
    #expect(try resolve("q", "Host q\n  ProxyJump none\n  ProxyCommand nc %h %p\n").proxy == .command("nc %h %p"))
    _ = try resolve("q", "Host other\n  ProxyJump bastion\n")
    _ = try resolve("q", "Host q\n  ProxyJump bastion\n", options: ["ProxyJump=none"])
    do {
        _ = try resolve("q", "Host q\n  Port 2\n  BindAddress 127.0.0.2\n")
        Issue.record("BindAddress was not refused")
    } catch {
        #expect(String(describing: error).hasSuffix(" line 3: BindAddress 127.0.0.2: not supported by snc (it would change where or how snc connects)"))
    }
}

@Test func namesThatWouldBreakLinesAreRefused() {
    #expect(throws: ConfigError.self) { try resolve("a\nport 1", "") }
    #expect(throws: ConfigError.self) { try resolve("a;b", "") }
    #expect(throws: ConfigError.self) { try resolve("h", "", options: ["HostName=a\nb"]) }
    #expect(throws: ConfigError.self) { try resolve("h", "Host h\n  HostName a\rb\n") }
}

@Test func numberOfPasswordPrompts() throws {
    #expect(try resolve("q", "").numberOfPasswordPrompts == 3)
    #expect(try resolve("q", "Host q\n  NumberOfPasswordPrompts 1\n").numberOfPasswordPrompts == 1)
    #expect(throws: ConfigError.self) { try resolve("q", "NumberOfPasswordPrompts -1\n") }
}
