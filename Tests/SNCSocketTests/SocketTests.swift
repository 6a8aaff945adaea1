import Testing
import Glibc
import SNCSocket

@Suite struct SocketTests {
    @Test func numericAddressesKeepHostAndPort() throws {
        let v4 = try #require(SocketAddress(numericHost: "127.0.0.1", port: 5555))
        #expect(v4.family == AF_INET)
        #expect(v4.description == "127.0.0.1:5555")
        #expect(v4.isLoopback)
        let v6 = try #require(SocketAddress(numericHost: "::1", port: 80))
        #expect(v6.description == "[::1]:80")
        #expect(SocketAddress(numericHost: "localhost", port: 1) == nil)
    }

    @Test func unixAddressesRoundTripTheirPath() throws {
        #expect(try #require(SocketAddress(unixPath: "/tmp/x.sock")).host == "/tmp/x.sock")
        #expect(try #require(SocketAddress(unixPath: "@abstract")).host == "@abstract")
        #expect(SocketAddress(unixPath: String(repeating: "a", count: 200)) == nil)
    }

    @Test func loopbackRoundTripOverTCP() throws {
        let listener = try Socket(family: AF_INET, type: CInt(SOCK_STREAM.rawValue))
        try listener.bind(to: try #require(SocketAddress(numericHost: "127.0.0.1", port: 0)))
        try listener.listen(backlog: 4)
        let bound = try listener.localAddress()
        #expect(bound.port != 0)

        let client = try Socket(family: AF_INET, type: CInt(SOCK_STREAM.rawValue))
        try client.connect(to: bound, timeoutMilliseconds: 2000)
        // A blocking listener waits for the client: anything but a connection is wrong.
        guard case .accepted(let accepted) = try listener.accept() else {
            Issue.record("accept returned no connection")
            return
        }
        #expect(accepted.peer == (try client.localAddress()))

        let message: [UInt8] = Array("hello".utf8)
        try message.withUnsafeBytes { try client.writeAll($0) }
        try client.shutdown(.write)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        readLoop: for _ in 0..<10 {
            let result = try buffer.withUnsafeMutableBytes { try accepted.socket.read(into: $0) }
            switch result {
            case .done(0): break readLoop
            case .done(let count): received += buffer[..<count]
            case .wouldBlock: continue
            }
        }
        #expect(received == message)
    }

    @Test func connectingToAClosedPortIsRefusedWithTheCallName() throws {
        // Bind then close a listener to find a port that nothing listens on.
        let probe = try Socket(family: AF_INET, type: CInt(SOCK_STREAM.rawValue))
        try probe.bind(to: try #require(SocketAddress(numericHost: "127.0.0.1", port: 0)))
        let address = try probe.localAddress()
        try probe.close()
        let client = try Socket(family: AF_INET, type: CInt(SOCK_STREAM.rawValue))
        #expect(throws: SyscallError("connect", code: ECONNREFUSED)) {
            try client.connect(to: address, timeoutMilliseconds: 2000)
        }
        #expect(SyscallError("connect", code: ECONNREFUSED).description == "connect: Connection refused")
    }

    @Test func resolverFindsLoopbackAndReportsUnknownNames() throws {
        let addresses = try Resolver.resolve(host: "127.0.0.1", port: 80, numericOnly: true)
        #expect(addresses.map(\.description) == ["127.0.0.1:80"])
        #expect(throws: ResolveError.self) {
            try Resolver.resolve(host: "no-such-host.invalid", port: 80)
        }
        #expect(throws: ResolveError.self) {
            try Resolver.resolve(host: "localhost", port: 80, numericOnly: true)
        }
    }

    @Test func splicePipeMovesBytes() throws {
        let first = try Pipe(capacity: 1 << 16)
        let second = try Pipe(capacity: 1 << 16)
        let message: [UInt8] = Array("spliced".utf8)
        try message.withUnsafeBytes { try Descriptor.writeAll(first.writeEnd, $0) }
        #expect(try Splice.move(from: first.readEnd, to: second.writeEnd, count: 1 << 16) == .done(message.count))
        var buffer = [UInt8](repeating: 0, count: 16)
        let result = try buffer.withUnsafeMutableBytes { try Descriptor.read(second.readEnd, into: $0) }
        #expect(result == .done(message.count))
        #expect(Array(buffer.prefix(message.count)) == message)
    }
}
