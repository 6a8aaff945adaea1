import SNCForward
import Testing

@Suite struct ForwardSpecUnixTests {
    @Test func localSocketToHostAndPort() throws {
        let spec = try ForwardSpec(argument: "/tmp/x.sock:127.0.0.1:80")
        #expect(spec.listenPath == "/tmp/x.sock" && spec.targetPath == nil)
        #expect(spec.host == "127.0.0.1" && spec.hostPort == 80 && spec.port == 0)
        #expect(spec.description == "/tmp/x.sock:127.0.0.1:80")
    }

    @Test func portToServerSideSocket() throws {
        let spec = try ForwardSpec(argument: "8080:/run/app.sock")
        #expect(spec.port == 8080 && spec.bindAddress == nil && spec.targetPath == "/run/app.sock")
        let bound = try ForwardSpec(argument: "127.0.0.1:8080:/run/app.sock")
        #expect(bound.bindAddress == "127.0.0.1" && bound.port == 8080 && bound.targetPath == "/run/app.sock")
        #expect(bound.configDescription == "[127.0.0.1]:8080 /run/app.sock")
    }

    @Test func socketToSocket() throws {
        let spec = try ForwardSpec(argument: "/tmp/a.sock:/tmp/b.sock")
        #expect(spec.listenPath == "/tmp/a.sock" && spec.targetPath == "/tmp/b.sock")
    }

    @Test func configFormWithPaths() throws {
        let spec = try ForwardSpec(localForward: "/tmp/a.sock", "db:5432")
        #expect(spec.listenPath == "/tmp/a.sock" && spec.host == "db" && spec.hostPort == 5432)
        #expect(try ForwardSpec(localForward: "9000", "/run/b.sock").targetPath == "/run/b.sock")
    }

    @Test func remoteSocketForwardsAreRefusedWithTheReason() {
        #expect {
            try ForwardSpec(argument: "/tmp/x.sock:127.0.0.1:80", kind: .remote)
        } throws: { error in
            "\(error)".contains("streamlocal-forward@openssh.com")
        }
    }

    @Test(arguments: ["8080:host", "/tmp/a.sock:host", "x:8080:/a:b", "/\(String(repeating: "a", count: 200)):h:1"])
    func badSpecsAreRejected(_ text: String) {
        #expect(throws: ForwardSpec.ParseError.self) { try ForwardSpec(argument: text) }
    }
}
