import SNCLab
import Testing

@Suite struct KernelCountersTests {
    static let netstat = """
        TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops TCPSynRetrans
        TcpExt: 0 0 12 14 30
        IpExt: InNoRoutes InTruncatedPkts
        IpExt: 0 0
        """
    static let snmp = """
        Ip: Forwarding DefaultTTL
        Ip: 1 64
        Tcp: RtoAlgorithm RtoMin MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts
        Tcp: 1 200 -1 100 90 2 3 4 500 600 7 0 8
        """

    @Test func parsesHeaderAndValuePairs() {
        var counters = KernelCounters(parsing: Self.netstat)
        counters.add(parsing: Self.snmp)
        #expect(counters["TcpExt.ListenOverflows"] == 12)
        #expect(counters["TcpExt.TCPSynRetrans"] == 30)
        #expect(counters["IpExt.InNoRoutes"] == 0)
        #expect(counters["Ip.DefaultTTL"] == 64)
        #expect(counters["Tcp.OutRsts"] == 8)
        #expect(counters["Tcp.ActiveOpens"] == 100)
        #expect(counters["TcpExt.Missing"] == 0)
    }

    @Test func mismatchedPairsAreSkipped() {
        let counters = KernelCounters(parsing: "TcpExt: A B\nTcpExt: 1\nTcp: C\nTcp: 5\n")
        #expect(counters.values == ["Tcp.C": 5])
    }

    @Test func deltaIsGrowthSinceEarlier() {
        let before = KernelCounters(values: ["TcpExt.ListenOverflows": 10, "Tcp.OutRsts": 3])
        let after = KernelCounters(values: ["TcpExt.ListenOverflows": 25, "Tcp.OutRsts": 3, "Tcp.New": 4])
        let delta = after.delta(since: before)
        #expect(delta["TcpExt.ListenOverflows"] == 15)
        #expect(delta["Tcp.OutRsts"] == 0)
        #expect(delta["Tcp.New"] == 4)
    }

    @Test func everyShownCounterHasWords() {
        for meaning in CounterMeaning.all {
            #expect(meaning.key.contains("."))
            #expect(!meaning.meaning.isEmpty)
        }
        #expect(CounterMeaning.all.contains { $0.name == "ListenOverflows" && $0.isTrouble })
    }

    @Test func readsTimeWaitFromSockstat() {
        let sockstat = "sockets: used 120\nTCP: inuse 5 orphan 0 tw 14136 alloc 7 mem 1\nUDP: inuse 1 mem 0\n"
        #expect(SystemFigures.timeWaitSockets(sockstat: sockstat) == 14136)
        #expect(SystemFigures.timeWaitSockets(sockstat: "UDP: inuse 1\n") == nil)
    }

    @Test func readsThisMachine() {
        // /proc/net/snmp exists on every Linux; Tcp.ActiveOpens is always there.
        #expect(KernelCounters.read().values["Tcp.ActiveOpens"] != nil)
    }
}
