import SNCLab
import SNCSocket
import Testing

@Suite struct ByteCountTests {
    @Test(arguments: [("1024", 1024), ("0", 0), ("1K", 1024), ("64KiB", 65536), ("64kb", 65536), ("1M", 1 << 20), ("2GiB", 2 << 30), ("512B", 512), (" 8 ", 8)])
    func parsesSizes(_ text: String, _ expected: Int) {
        #expect(ByteCount.parse(text) == expected)
    }

    @Test(arguments: ["", "K", "-1", "1.5K", "12X", "B", "9999999999999999999G"])
    func rejectsNonsense(_ text: String) {
        #expect(ByteCount.parse(text) == nil)
    }

    @Test(arguments: [(64 << 20, "64M"), (1024, "1K"), (1000, "1000"), (0, "0"), (2 << 30, "2G"), (1536, "1536")])
    func typedFormRoundTrips(_ bytes: Int, _ typed: String) {
        #expect(ByteCount(bytes: bytes).typed == typed)
        #expect(ByteCount(typed) == ByteCount(bytes: bytes))
    }

    @Test func describesForPeople() {
        #expect(ByteCount.describe(512) == "512 B")
        #expect(ByteCount.describe(1536) == "1.5 KiB")
        #expect(ByteCount.describe(64 * 1_048_576) == "64.0 MiB")
    }
}

@Suite struct SweepLevelsTests {
    @Test func parsesTheLabsLevels() {
        #expect(SweepLevels.parse("10,20,50,100,200,500,1000") == [10, 20, 50, 100, 200, 500, 1000])
        #expect(SweepLevels.parse("5") == [5])
        #expect(SweepLevels.parse("10, 20") == [10, 20])
        #expect(SweepLevels("10,20,50")?.levels == [10, 20, 50])
        #expect(SweepLevels("10,x") == nil)
    }

    @Test(arguments: ["", ",", "10,,20", "10,0", "-5", "ten", "10;20", "1.5"])
    func rejectsBadLists(_ text: String) {
        #expect(SweepLevels.parse(text) == nil)
    }
}

@Suite struct SourceAddressesTests {
    @Test func expandsAnInclusiveRange() throws {
        let addresses = try #require(SourceAddresses.parse("127.0.0.2-127.0.0.9"))
        #expect(addresses.map(\.host) == (2...9).map { "127.0.0.\($0)" })
        #expect(addresses.allSatisfy { $0.port == 0 })
    }

    @Test func rangesCrossOctets() throws {
        let addresses = try #require(SourceAddresses.parse("10.0.0.254-10.0.1.1"))
        #expect(addresses.map(\.host) == ["10.0.0.254", "10.0.0.255", "10.0.1.0", "10.0.1.1"])
    }

    @Test func keepsTheTextAsTypedForMessages() throws {
        let sources = try #require(SourceAddresses("127.0.0.2-127.0.0.3"))
        #expect(sources.text == "127.0.0.2-127.0.0.3")
        #expect(sources.addresses.map(\.host) == ["127.0.0.2", "127.0.0.3"])
        #expect(SourceAddresses("127.0.0.9-127.0.0.2") == nil)
    }

    @Test func takesSinglesAndLists() throws {
        #expect(try #require(SourceAddresses.parse("127.0.0.2")).map(\.host) == ["127.0.0.2"])
        #expect(try #require(SourceAddresses.parse("127.0.0.2,::1")).map(\.host) == ["127.0.0.2", "::1"])
    }

    @Test(arguments: ["", "127.0.0.9-127.0.0.2", "127.0.0.256", "localhost", "127.0.0.1-", "1.2.3-1.2.3.4", "0.0.0.0-255.255.255.255"])
    func rejectsBadSources(_ text: String) {
        #expect(SourceAddresses.parse(text) == nil)
    }
}

@Suite struct TargetPolicyTests {
    let loopback = [SocketAddress(numericHost: "127.0.0.1", port: 5555)!]
    let remote = [SocketAddress(numericHost: "192.0.2.1", port: 5555)!]

    @Test func loopbackIsAlwaysAllowed() {
        #expect(TargetPolicy.refusal(host: "127.0.0.1", addresses: loopback, highestConcurrency: 10_000, sweep: true, ownsHost: false) == nil)
        #expect(TargetPolicy.refusal(host: "::1", addresses: [SocketAddress(numericHost: "::1", port: 1)!], highestConcurrency: 500, sweep: true, ownsHost: false) == nil)
    }

    @Test func aFewClientsAgainstARemoteHostAreAllowed() {
        #expect(TargetPolicy.refusal(host: "192.0.2.1", addresses: remote, highestConcurrency: 100, sweep: false, ownsHost: false) == nil)
    }

    @Test func sweepsAndCrowdsAgainstARemoteHostAreRefused() throws {
        let sweep = try #require(TargetPolicy.refusal(host: "192.0.2.1", addresses: remote, highestConcurrency: 10, sweep: true, ownsHost: false))
        #expect(sweep.contains("--sweep") && sweep.contains("--i-own-this-host"))
        let crowd = try #require(TargetPolicy.refusal(host: "192.0.2.1", addresses: remote, highestConcurrency: 101, sweep: false, ownsHost: false))
        #expect(crowd.contains("101 concurrent clients"))
    }

    @Test func ownersMayLoadTheirHosts() {
        #expect(TargetPolicy.refusal(host: "192.0.2.1", addresses: remote, highestConcurrency: 1000, sweep: true, ownsHost: true) == nil)
    }

    @Test func aNameWithAnyRemoteAddressIsRemote() {
        #expect(TargetPolicy.refusal(host: "mixed", addresses: loopback + remote, highestConcurrency: 1000, sweep: false, ownsHost: false) != nil)
    }
}

@Suite struct FormattingTests {
    @Test func decimals() {
        #expect(Decimal3.format(3.14159, digits: 3) == "3.142")
        #expect(Decimal3.format(2, digits: 2) == "2.00")
        #expect(Decimal3.format(-0.5, digits: 1) == "-0.5")
        #expect(Decimal3.format(0.0004, digits: 3) == "0.000")
        #expect(Decimal3.format(1234.5, digits: 0) == "1235")
        #expect(Seconds.format(2.50) == "2.5")
        #expect(Seconds.format(3) == "3")
    }

    @Test func latenciesKeepThreeFigures() {
        #expect(Latency.format(0.123) == "0.12 ms")
        #expect(Latency.format(12.34) == "12.3 ms")
        #expect(Latency.format(1003.4) == "1003 ms")
    }

    @Test func introIsOneLine() {
        #expect(ServeConfiguration.introLine(Array("hi\nthere\r\n\n".utf8)) == Array("hi there\n".utf8))
        #expect(ServeConfiguration.introLine([]) == Array("\n".utf8))
    }
}
