import Testing
import SNCNetcat
import SNCSocket

@Suite struct FormatTests {
    @Test func hexDumpMatchesNcatByteForByte() {
        // Captured from `ncat -x` (7.93) for the same bytes.
        let bytes = Array(0..<40).map(UInt8.init) + Array(" ~\u{7f}".utf8) + [0x80] + Array("AZ".utf8)
        let expected = """
            0000   00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  ................
            0010   10 11 12 13 14 15 16 17  18 19 1a 1b 1c 1d 1e 1f  ................
            0020   20 21 22 23 24 25 26 27  20 7e 7f 80 41 5a        .!"#$%&'.~..AZ  \n
            """
        #expect(HexDump.format(bytes) == expected)
        #expect(HexDump.format(Array("reply\n".utf8)) == "0000   72 65 70 6c 79 0a                                 reply.          \n")
        #expect(HexDump.format([UInt8]()) == "")
    }

    @Test func chatLinesAreWordedAsNcatsChat() {
        #expect(ChatFormat.joined(host: "127.0.0.1", user: 5) == "<announce> 127.0.0.1 is connected as <user5>.\n")
        #expect(ChatFormat.alreadyConnected([]) == "<announce> already connected: nobody.\n")
        #expect(ChatFormat.alreadyConnected([("127.0.0.1", 5), ("::1", 6)])
                == "<announce> already connected: 127.0.0.1 as <user5>, ::1 as <user6>.\n")
        #expect(ChatFormat.left(user: 5) == "<announce> <user5> is disconnected.\n")
        #expect(String(decoding: ChatFormat.line(Array("a\u{1}b\tc\u{7f}é\r".utf8), user: 2), as: UTF8.self)
                == "<user2> a\\001b\tc\\177é\n")
    }

    @Test func chatLinesAreAssembledBeforeTheyAreSent() {
        var lines = ChatLines()
        #expect(lines.feed(Array("hel".utf8), user: 1).isEmpty)
        #expect(String(decoding: lines.feed(Array("lo\nwor".utf8), user: 1), as: UTF8.self) == "<user1> hello\n")
        #expect(String(decoding: lines.finish(user: 1), as: UTF8.self) == "<user1> wor\n")
        #expect(lines.finish(user: 1).isEmpty)
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: ChatLines.longestLine + 10)
        #expect(lines.feed(long, user: 1).count == "<user1> ".count + ChatLines.longestLine + 1)
    }

    @Test func verboseLinesAreWordedAsNcWordsThem() {
        #expect(NetcatMessages.connected(target: "127.0.0.1", port: 5555, transport: .tcp, numeric: true)
                == "Connection to 127.0.0.1 5555 port [tcp/*] succeeded!")
        #expect(NetcatMessages.connected(target: NetcatMessages.target(host: "localhost", address: "127.0.0.1"), port: 80, transport: .tcp, numeric: false)
                == "Connection to localhost (127.0.0.1) 80 port [tcp/http] succeeded!")
        #expect(NetcatMessages.listening(host: "0.0.0.0", port: 5555, transport: .tcp) == "Listening on 0.0.0.0 5555")
        #expect(NetcatMessages.listening(host: "::", port: 5555, transport: .udp) == "Bound on :: 5555")
        #expect(NetcatMessages.received(host: "127.0.0.1", port: 40212) == "Connection received on 127.0.0.1 40212")
    }

    @Test func failuresAreWordedAsNcWordsThem() {
        let refused = NetcatError.connectFailed(target: "127.0.0.1", port: "1", transport: .tcp,
                                                error: SyscallError("connect", code: 111))
        #expect(refused.description == "connect to 127.0.0.1 port 1 (tcp) failed: Connection refused")
        #expect(NetcatError.connectTimedOut(target: "127.0.0.1", port: "9", transport: .tcp).description
                == "connect to 127.0.0.1 port 9 (tcp) timed out: Operation now in progress")
        #expect(NetcatError.unknownHost(host: "nowhere.invalid", port: "80", reason: "Name or service not known").description
                == "getaddrinfo for host \"nowhere.invalid\" port 80: Name or service not known")
        #expect(NetcatError.bindFailed(address: "::", port: "80", transport: .tcp, error: SyscallError("bind", code: 13)).description
                == "bind to :: port 80 (tcp) failed: Permission denied")
    }
}
