import Testing
import Glibc
import SNCTLS

/// A client and a server session over a socketpair, driven step by step in
/// one thread: WANT_READ/WANT_WRITE come back as states, never as errors.
@Suite struct TLSSessionTests {
    func socketPair() throws -> (CInt, CInt) {
        var pair: [CInt] = [-1, -1]
        try #require(socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0, &pair) == 0)
        return (pair[0], pair[1])
    }

    /// Steps both handshakes until both are done (bounded: 100 rounds).
    func handshake(_ client: TLSSession, _ server: TLSSession) throws -> Bool {
        var clientDone = false, serverDone = false
        for _ in 0..<100 where !(clientDone && serverDone) {
            if !clientDone { clientDone = try client.handshake() == .done }
            if !serverDone { serverDone = try server.handshake() == .done }
        }
        return clientDone && serverDone
    }

    @Test func pinnedSelfSignedHandshakeMovesDataAndCloseNotify() throws {
        let key = try TLSPrivateKey.generateP256()
        let certificate = try TLSCertificate.selfSigned(key: key, commonName: "snc")
        let fingerprint = TLSFingerprint(digest: certificate.sha256)
        let (a, b) = try socketPair()
        defer { close(a); close(b) }
        let server = try TLSSession(context: try .server(certificate: certificate, key: key), descriptor: a, isServer: true)
        let client = try TLSSession(context: try .client(check: .pinned(fingerprint)), descriptor: b, isServer: false)
        try client.expectServer(named: "localhost")
        #expect(try handshake(client, server))
        #expect(client.peerCertificate.map { TLSFingerprint(digest: $0.sha256) } == fingerprint)
        #expect(client.peerCertificate?.subject == "CN=snc")

        let message: [UInt8] = Array("hello over TLS\n".utf8)
        let written = try message.withUnsafeBytes { try client.write($0) }
        #expect(written == .bytes(message.count))
        var buffer = [UInt8](repeating: 0, count: 100)
        let read = try buffer.withUnsafeMutableBytes { try server.read(into: $0) }
        #expect(read == .bytes(message.count))
        #expect(Array(buffer.prefix(message.count)) == message)
        // Nothing more yet: a state, not an error.
        #expect(try buffer.withUnsafeMutableBytes { try server.read(into: $0) } == .blocked(.wantsRead))
        #expect(try client.sendCloseNotify() == .done)
        #expect(try buffer.withUnsafeMutableBytes { try server.read(into: $0) } == .closed)
    }

    @Test func verifyingClientRefusesAnUnknownIssuer() throws {
        let key = try TLSPrivateKey.generateP256()
        let certificate = try TLSCertificate.selfSigned(key: key, commonName: "localhost")
        let (a, b) = try socketPair()
        defer { close(a); close(b) }
        let server = try TLSSession(context: try .server(certificate: certificate, key: key), descriptor: a, isServer: true)
        let client = try TLSSession(context: try .client(check: .chain(trustFile: nil)), descriptor: b, isServer: false)
        try client.expectServer(named: "localhost")
        #expect(throws: TLSError.self) { try handshake(client, server) }
    }

    @Test func unreadableFilesAreNamed() {
        #expect(throws: TLSError(call: "--ssl-cert /nonexistent/cert.pem", message: "No such file or directory")) {
            try TLSContext.server(certificateFile: "/nonexistent/cert.pem", keyFile: "/nonexistent/key.pem")
        }
    }
}
