import Testing
import Glibc
import SNCSocket

@Suite struct ListeningSocketTests {
    @Test func everyAddressListenerTakesIPv4Clients() throws {
        let listener = try Socket.listeningOnEveryAddress(port: 0, backlog: 4)
        let bound = try listener.localAddress()
        let client = try Socket(family: bound.family == AF_INET6 ? AF_INET : bound.family, type: CInt(SOCK_STREAM.rawValue))
        #expect(try client.connect(to: try #require(SocketAddress(numericHost: "127.0.0.1", port: bound.port))))
        guard case .accepted(let accepted) = try listener.accept() else {
            Issue.record("no connection")
            return
        }
        #expect(accepted.peer.port == (try client.localAddress()).port)
    }

    @Test func staleUnixSocketFileIsReplacedAndALiveOneKept() throws {
        let path = "/tmp/snc-unit-\(getpid()).sock"
        defer { _ = unlink(path) }
        let address = try #require(SocketAddress(unixPath: path))
        do {
            // A listener that went away without removing its file.
            let stale = try Socket(family: AF_UNIX, type: CInt(SOCK_STREAM.rawValue))
            try stale.bind(to: address)
        }
        let live = try Socket.listening(unixAddress: address, path: path, backlog: 4)
        #expect(throws: SyscallError("bind", code: EADDRINUSE)) {
            _ = try Socket.listening(unixAddress: address, path: path, backlog: 4)
        }
        _ = consume live
    }
}
