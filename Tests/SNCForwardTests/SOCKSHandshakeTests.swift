import SNCForward
import Testing

private func run(_ chunks: [[UInt8]]) -> [SOCKSHandshake.Event] {
    var handshake = SOCKSHandshake()
    var events: [SOCKSHandshake.Event] = []
    for chunk in chunks {
        handshake.append(chunk)
        while true {
            let event = handshake.advance()
            if event == .needMore { break }
            events.append(event)
            if case .send = event { continue }
            return events
        }
    }
    return events
}

@Test func socks5DomainRequestIsPassedOnUnresolved() {
    let request: [UInt8] = [5, 1, 0, 3, 11] + Array("example.org".utf8) + [0x01, 0xBB]
    let events = run([[5, 1, 0], request + [0x47, 0x45]])
    #expect(events == [.send([5, 0]), .connect(SOCKSRequest(version: .socks5, host: "example.org", port: 443), leftover: [0x47, 0x45])])
}

@Test func socks5AddressesOneByteAtATime() {
    let ipv4: [UInt8] = [5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, 0x1F, 0x90]
    #expect(run(ipv4.map { [$0] }).last == .connect(SOCKSRequest(version: .socks5, host: "127.0.0.1", port: 8080), leftover: []))
    let ipv6: [UInt8] = [5, 1, 0, 5, 1, 0, 4] + [UInt8](repeating: 0, count: 15) + [1, 0, 80]
    #expect(run([ipv6]).last == .connect(SOCKSRequest(version: .socks5, host: "::1", port: 80), leftover: []))
}

@Test func socks5RefusalsUseTheirReplyCodes() {
    // BIND (2): command not supported (7).
    #expect(run([[5, 1, 0, 5, 2, 0, 1, 127, 0, 0, 1, 0, 80]]).last
        == .fail(reply: [5, 7, 0, 1, 0, 0, 0, 0, 0, 0], reason: "SOCKS5 command 2 not supported (only CONNECT)"))
    // Address type 9: not supported (8).
    if case .fail(let reply, _) = run([[5, 1, 0, 5, 1, 0, 9, 1, 2]]).last { #expect(reply.prefix(2) == [5, 8]) } else { Issue.record("no failure") }
    // Only username/password offered: no acceptable method.
    if case .fail(let reply, _) = run([[5, 1, 2]]).last { #expect(reply == [5, 0xFF]) } else { Issue.record("no failure") }
    // A name with a control character.
    if case .fail(let reply, _) = run([[5, 1, 0, 5, 1, 0, 3, 3, 0x61, 0x0A, 0x62, 0, 80]]).last { #expect(reply.prefix(2) == [5, 1]) } else { Issue.record("no failure") }
}

@Test func socks4AndSocks4a() {
    let socks4: [UInt8] = [4, 1, 0, 80, 10, 1, 2, 3] + Array("user".utf8) + [0]
    #expect(run([socks4]).last == .connect(SOCKSRequest(version: .socks4, host: "10.1.2.3", port: 80), leftover: []))
    let socks4a: [UInt8] = [4, 1, 0x1F, 0x90, 0, 0, 0, 1, 0] + Array("localhost".utf8) + [0, 9]
    #expect(run([Array(socks4a.prefix(12)), Array(socks4a.dropFirst(12))]).last
        == .connect(SOCKSRequest(version: .socks4, host: "localhost", port: 8080), leftover: [9]))
    if case .fail(let reply, _) = run([[4, 2, 0, 80, 1, 2, 3, 4, 0]]).last { #expect(reply == [0, 0x5B, 0, 0, 0, 0, 0, 0]) } else { Issue.record("no failure") }
}

@Test func garbageAndEndlessInputFail() {
    if case .fail(let reply, _) = run([Array("GET / HTTP/1.1\r\n".utf8)]).last { #expect(reply.isEmpty) } else { Issue.record("no failure") }
    // A SOCKS4 user id that never ends stops at the limit instead of growing.
    let endless = [[4, 1, 0, 80, 1, 2, 3, 4]] + [[UInt8]](repeating: [UInt8](repeating: 0x41, count: 100), count: 12)
    if case .fail = run(endless).last {} else { Issue.record("no failure at the limit") }
    #expect(run([[5, 1]]).isEmpty)
}

@Test func repliesAndRefusalMapping() {
    let five = SOCKSRequest(version: .socks5, host: "h", port: 1)
    #expect(five.grantedReply == [5, 0, 0, 1, 0, 0, 0, 0, 0, 0])
    #expect(five.failureReply(SOCKSFailure(channelRefusal: "connect failed")) == [5, 5, 0, 1, 0, 0, 0, 0, 0, 0])
    #expect(five.failureReply(SOCKSFailure(channelRefusal: "administratively prohibited"))[1] == 2)
    let four = SOCKSRequest(version: .socks4, host: "h", port: 1)
    #expect(four.grantedReply[1] == 0x5A && four.failureReply(.hostUnreachable)[1] == 0x5B)
}

@Test func remoteAndDynamicSpecs() throws {
    #expect(try ForwardSpec(argument: "0:localhost:80", kind: .remote).port == 0)
    #expect(try ForwardSpec(localForward: "*:9000", "h:22", kind: .remote).bindAddress == "*")
    #expect(throws: ForwardSpec.ParseError.self) { try ForwardSpec(argument: "0:localhost:80") }
    do {
        _ = try ForwardSpec(argument: "x:h:1", kind: .remote)
        Issue.record("accepted")
    } catch {
        #expect(error.description == "Bad remote forwarding specification 'x:h:1': bad listen port 'x'")
    }
    #expect(try DynamicForwardSpec(argument: "1080") == DynamicForwardSpec(bindAddress: nil, port: 1080))
    #expect(try DynamicForwardSpec(argument: "[::1]:1080").configDescription == "[::1]:1080")
    do {
        _ = try DynamicForwardSpec(argument: "a:b:c")
        Issue.record("accepted")
    } catch {
        #expect(error.description == "Bad dynamic forwarding specification 'a:b:c': expected [bind_address:]port")
    }
}
