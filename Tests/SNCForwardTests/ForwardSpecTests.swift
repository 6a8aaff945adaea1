import SNCForward
import Testing

@Test func threeAndFourFieldSpecs() throws {
    let plain = try ForwardSpec(argument: "8080:localhost:9000")
    #expect(plain == ForwardSpec(bindAddress: nil, port: 8080, host: "localhost", hostPort: 9000))
    let bound = try ForwardSpec(argument: "0.0.0.0:8080:flip:22")
    #expect(bound.bindAddress == "0.0.0.0" && bound.bindsAllInterfaces)
    let star = try ForwardSpec(argument: "*:8080:flip:ssh")
    #expect(star.bindsAllInterfaces && star.hostPort == 22)
    let empty = try ForwardSpec(argument: ":8080:flip:22")
    #expect(empty.bindAddress == "" && empty.bindsAllInterfaces)
    #expect(!plain.bindsAllInterfaces)
}

@Test func ipv6InBrackets() throws {
    let spec = try ForwardSpec(argument: "[::1]:8080:[fe80::1]:80")
    #expect(spec == ForwardSpec(bindAddress: "::1", port: 8080, host: "fe80::1", hostPort: 80))
    #expect(spec.description == "[::1]:8080:[fe80::1]:80")
    #expect(spec.configDescription == "[::1]:8080 [fe80::1]:80")
}

@Test func localForwardConfigForm() throws {
    let spec = try ForwardSpec(localForward: "127.0.0.1:8081", "[::1]:22")
    #expect(spec == ForwardSpec(bindAddress: "127.0.0.1", port: 8081, host: "::1", hostPort: 22))
    #expect(try ForwardSpec(localForward: "8080", "localhost:9000").configDescription == "8080 [localhost]:9000")
}

@Test(arguments: ["8080", "8080:host", "0:host:80", "8080:host:70000", "a:b:c:d:e", "8080::80", "[::1:8080:h:1", "[::1]]:80:h:22", "[::1]x:80:h:22", "8080:h:[22]x"])
func badSpecsAreRejected(_ text: String) {
    #expect(throws: ForwardSpec.ParseError.self) { try ForwardSpec(argument: text) }
}

@Test func channelWindowsShareABudgetButStayAboveLibssh2sDefault() {
    let settings = TunnelSettings()
    #expect(settings.window(forConnections: 1) == 8 << 20)
    #expect(settings.window(forConnections: 64) == 4 << 20)
    #expect(settings.window(forConnections: 10_000) > 2 << 20)
}
