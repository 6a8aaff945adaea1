import Testing
import Glibc
import SNCSocket

@Suite struct ConnectWithDeadlineTests {
    private func loopback(port: UInt16) throws -> SocketAddress {
        try #require(Resolver.resolve(host: "127.0.0.1", port: port, family: .ipv4, transport: .tcp, numericOnly: true).first)
    }

    @Test func aListeningPeerConnectsAndTheSocketStaysNonBlocking() throws {
        let listener = try Socket(family: AF_INET, type: CInt(SOCK_STREAM.rawValue))
        try listener.bind(to: loopback(port: 0))
        try listener.listen(backlog: 4)
        let client = try Socket(family: AF_INET, type: CInt(SOCK_STREAM.rawValue))
        try client.connectNonBlocking(to: listener.localAddress(), deadline: Deadline(seconds: 5))
        #expect(try client.isNonBlocking)
    }

    @Test func aRefusalIsAFailureNotATimeout() throws {
        // A port bound but not listening refuses at once.
        let holder = try Socket(family: AF_INET, type: CInt(SOCK_STREAM.rawValue))
        try holder.bind(to: loopback(port: 0))
        let client = try Socket(family: AF_INET, type: CInt(SOCK_STREAM.rawValue))
        let closedPort = try holder.localAddress()
        do throws(ConnectFailure) {
            try client.connectNonBlocking(to: closedPort, deadline: Deadline(seconds: 5))
            Issue.record("connect to a closed port succeeded")
        } catch {
            guard case .failed(let failure) = error else { Issue.record("expected a refusal, got \(error)"); return }
            #expect(failure.errno == .connectionRefused)
        }
    }

    @Test func theBlockingFormRestoresBlockingMode() throws {
        let listener = try Socket(family: AF_INET, type: CInt(SOCK_STREAM.rawValue))
        try listener.bind(to: loopback(port: 0))
        try listener.listen(backlog: 4)
        let client = try Socket(family: AF_INET, type: CInt(SOCK_STREAM.rawValue))
        try client.connect(to: listener.localAddress(), timeoutMilliseconds: 5000)
        #expect(try !client.isNonBlocking)
    }
}
