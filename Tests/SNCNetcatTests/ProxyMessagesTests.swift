import Testing
import SNCNetcat

@Suite struct ProxyMessagesTests {
    let localhost80 = ProxyDestination(host: .name("localhost"), port: 80)

    @Test func socks5GreetingOffersPasswordOnlyWithAUser() {
        #expect(SOCKS5Messages.greeting(offeringPassword: false) == [5, 1, 0])
        #expect(SOCKS5Messages.greeting(offeringPassword: true) == [5, 2, 0, 2])
        #expect(SOCKS5Messages.chosenMethod([5, 2]) == 2)
        #expect(SOCKS5Messages.chosenMethod([4, 0]) == nil)
        #expect(SOCKS5Messages.chosenMethod(Array("HT".utf8)) == nil)
    }

    @Test func socks5ConnectRequestCarriesNamesAndAddresses() throws {
        #expect(SOCKS5Messages.connectRequest(localhost80) == [5, 1, 0, 3, 9] + Array("localhost".utf8) + [0, 80])
        let v4 = try #require(ProxyDestination.literal("10.1.2.3", port: 0x1F90))
        #expect(SOCKS5Messages.connectRequest(v4) == [5, 1, 0, 1, 10, 1, 2, 3, 0x1F, 0x90])
        let v6 = try #require(ProxyDestination.literal("::1", port: 443))
        #expect(SOCKS5Messages.connectRequest(v6) == [5, 1, 0, 4] + [UInt8](repeating: 0, count: 15) + [1, 1, 187])
        let long = ProxyDestination(host: .name(String(repeating: "a", count: 256)), port: 1)
        #expect(SOCKS5Messages.connectRequest(long) == nil)
    }

    @Test func socks5ReplyHeadTellsHowMuchFollows() {
        #expect(SOCKS5Messages.replyHead([5, 0, 0, 1]) == .succeeded(remaining: 6))
        #expect(SOCKS5Messages.replyHead([5, 0, 0, 4]) == .succeeded(remaining: 18))
        #expect(SOCKS5Messages.replyHead([5, 0, 0, 3]) == .succeeded(remaining: nil))
        #expect(SOCKS5Messages.replyHead([5, 5, 0, 1]) == .failed(code: 5))
        #expect(SOCKS5Messages.replyHead([5, 0, 0, 9]) == .invalid)
        #expect(SOCKS5Messages.replyHead(Array("HTTP".utf8)) == .invalid)
        #expect(SOCKS5Messages.replyText(5) == "connection refused by destination host")
        #expect(SOCKS5Messages.replyText(4) == "host unreachable")
        #expect(SOCKS5Messages.replyText(77) == "unknown reply code 77")
    }

    @Test func socks5PasswordLoginFollowsRFC1929() {
        #expect(SOCKS5Messages.passwordRequest(user: "ab", password: "xyz") == [1, 2, 97, 98, 3, 120, 121, 122])
        #expect(SOCKS5Messages.passwordRequest(user: String(repeating: "u", count: 256), password: "") == nil)
        #expect(SOCKS5Messages.passwordAccepted([1, 0]) == true)
        #expect(SOCKS5Messages.passwordAccepted([1, 1]) == false)
        #expect(SOCKS5Messages.passwordAccepted([9, 0]) == nil)
    }

    @Test func socks4AndSocks4a() throws {
        let v4 = try #require(ProxyDestination.literal("127.0.0.1", port: 8080))
        #expect(SOCKS4Messages.connectRequest(v4, user: "me") == [4, 1, 0x1F, 0x90, 127, 0, 0, 1, 109, 101, 0])
        #expect(SOCKS4Messages.connectRequest(localhost80, user: nil)
                == [4, 1, 0, 80, 0, 0, 0, 1, 0] + Array("localhost".utf8) + [0])
        let v6 = try #require(ProxyDestination.literal("::1", port: 80))
        #expect(SOCKS4Messages.connectRequest(v6, user: nil) == nil)
        #expect(SOCKS4Messages.reply([0, 90, 0, 0, 0, 0, 0, 0]) == .granted)
        #expect(SOCKS4Messages.reply([0, 91, 0, 0, 0, 0, 0, 0]) == .rejected(code: 91))
        #expect(SOCKS4Messages.reply([5, 0, 0, 0, 0, 0, 0, 0]) == .invalid)
    }

    @Test func httpRequestWithBasicCredentials() throws {
        let request = String(decoding: HTTPConnectMessages.request(localhost80, user: "Aladdin", password: "open sesame"), as: UTF8.self)
        #expect(request == "CONNECT localhost:80 HTTP/1.0\r\nHost: localhost:80\r\n"
                + "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n")
        let v6 = try #require(ProxyDestination.literal("::1", port: 22))
        #expect(String(decoding: HTTPConnectMessages.request(v6, user: nil, password: nil), as: UTF8.self)
                == "CONNECT [::1]:22 HTTP/1.0\r\nHost: [::1]:22\r\n\r\n")
        #expect(HTTPConnectMessages.base64(Array("a".utf8)) == "YQ==")
        #expect(HTTPConnectMessages.base64(Array("ab".utf8)) == "YWI=")
        #expect(HTTPConnectMessages.base64(Array("abc".utf8)) == "YWJj")
        #expect(HTTPConnectMessages.base64([]) == "")
    }

    @Test func httpHeaderEndsAtTheFirstBlankLineWithOrWithoutCR() {
        let crlf = Array("HTTP/1.1 200 OK\r\nVia: x\r\n\r\nDATA".utf8)
        #expect(HTTPConnectMessages.headerLength(crlf) == crlf.count - 4)
        let lf = Array("HTTP/1.0 200 OK\nX: y\n\nDATA\r\n\r\n".utf8)
        #expect(HTTPConnectMessages.headerLength(lf) == 22)
        #expect(HTTPConnectMessages.headerLength(Array("HTTP/1.1 200 OK\r\nVia: x\r\n".utf8)) == nil)
        // A lone CR is no line ending: "\r\r\n" is a line holding one CR, not a blank one.
        #expect(HTTPConnectMessages.headerLength(Array("HTTP/1.1 200 OK\r\n\r\r\n".utf8)) == nil)
    }

    @Test func httpStatusLine() throws {
        let ok = try #require(HTTPConnectMessages.status(ofHeader: Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)))
        #expect(ok.code == 200 && ok.isSuccess)
        #expect(ok.line == Array("HTTP/1.1 200 Connection established".utf8))
        let created = try #require(HTTPConnectMessages.status(ofHeader: Array("HTTP/1.0 204\n\n".utf8)))
        #expect(created.isSuccess)
        let denied = try #require(HTTPConnectMessages.status(ofHeader: Array("HTTP/1.0 407 Proxy Authentication Required\r\n\r\n".utf8)))
        #expect(denied.code == 407 && !denied.isSuccess)
        #expect(HTTPConnectMessages.status(ofHeader: Array("HTTP/1.1 2000 OK\r\n\r\n".utf8)) == nil)
        #expect(HTTPConnectMessages.status(ofHeader: Array("HTTP/ 200 OK\r\n\r\n".utf8)) == nil)
        #expect(HTTPConnectMessages.couldBeStatusLine(Array("HTT".utf8)))
        #expect(!HTTPConnectMessages.couldBeStatusLine(Array("garbage".utf8)))
    }

    @Test func proxyAddressesWithPortsBracketsAndDefaults() throws {
        #expect(try ProxySpec.address("127.0.0.1:9050", kind: .socks5) == ("127.0.0.1", 9050))
        #expect(try ProxySpec.address("proxy.example", kind: .socks5) == ("proxy.example", 1080))
        #expect(try ProxySpec.address("proxy.example", kind: .http) == ("proxy.example", 3128))
        #expect(try ProxySpec.address("[::1]:8080", kind: .http) == ("::1", 8080))
        #expect(try ProxySpec.address("[::1]", kind: .socks4) == ("::1", 1080))
        #expect(try ProxySpec.address("::1", kind: .socks5) == ("::1", 1080))
        #expect(throws: NetcatUsageError.self) { try ProxySpec.address("[::1", kind: .socks5) }
        #expect(throws: NetcatUsageError.self) { try ProxySpec.address("host:0", kind: .socks5) }
        #expect(throws: NetcatUsageError.self) { try ProxySpec.address(":1080", kind: .socks5) }
        #expect(ProxySpec(host: "::1", port: 1080, kind: .socks5).name == "[::1]:1080")
    }

    @Test func answersFromOutsideArePrintedSafely() {
        #expect(ProxyError.printable(Array("ok \"q\"\u{1B}[2J\r\n".utf8)) == "\"ok \\\"q\\\"\\x1b[2J\\x0d\\x0a\"")
        #expect(ProxyError.printable([UInt8](repeating: 65, count: 60)).hasSuffix("\"..."))
        let error = ProxyError(proxy: "127.0.0.1:1080", kind: .socks5,
                               reason: .refused(destination: "localhost:80", answer: SOCKS5Messages.replyText(5)))
        #expect(error.description == "proxy 127.0.0.1:1080 (SOCKS5): CONNECT localhost:80 refused: connection refused by destination host")
    }
}
