import Testing
import SNCNetcat
import SNCSocket

@Suite struct ArgumentValuesTests {
    func portError(_ text: String, numeric: Bool = false) -> String? {
        do {
            _ = try ArgumentValues.port(text, numeric: numeric)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func portsInRangeAndServiceNamesParse() throws {
        #expect(try ArgumentValues.port("1").number == 1)
        #expect(try ArgumentValues.port("65535").number == 65535)
        #expect(try ArgumentValues.port("http").number == 80)
    }

    @Test func badPortsAreWordedAsNcWordsThem() {
        #expect(portError("0") == "port number too small: 0")
        #expect(portError("-5") == "port number too small: -5")
        #expect(portError("70000") == "port number too large: 70000")
        #expect(portError("99999999999999999999999") == "port number too large: 99999999999999999999999")
        #expect(portError("abc") == "port number invalid: abc")
        #expect(portError("") == "port number invalid: ")
        #expect(portError("http", numeric: true) == "port number invalid: http")
    }

    @Test func rangesParseAndTurnAround() throws {
        let range = try ArgumentValues.portRange("20-25")
        #expect(range.ports.map(\.number) == [20, 21, 22, 23, 24, 25])
        #expect(try ArgumentValues.portRange("25-20").ports.map(\.number) == [20, 21, 22, 23, 24, 25])
        #expect(throws: NetcatUsageError("port number too small: 0")) { try ArgumentValues.portRange("0-5") }
        #expect(throws: NetcatUsageError("port number invalid: 20-")) { try ArgumentValues.portRange("20-") }
    }

    @Test func quitTimerTakesDurationsAndNegativeNumbersForWaitingForThePeer() throws {
        #expect(QuitTimer("0") == .after(.zero))
        #expect(QuitTimer("2.5")?.seconds == 2.5)
        #expect(QuitTimer("-1") == .waitForPeer)
        #expect(QuitTimer("-1")?.seconds == nil)
        #expect(QuitTimer("-0.5") == .waitForPeer)
        #expect(QuitTimer("-1e300") == .waitForPeer)
        #expect(QuitTimer("-99999999999999999999") == .waitForPeer)
        #expect(QuitTimer("1s")?.seconds == 1)  // ncat's unit
        for garbage in ["soon", "", "nan", "-nan", "inf", "-inf", "1x", "-1s"] {
            #expect(QuitTimer(garbage) == nil, "\(garbage)")
        }
    }

    @Test func netcatTimersFollowNcsRange() throws {
        #expect(ArgumentValues.timeoutRule.refusal(of: try #require(TimeSpan("2.5")), option: "-w") == nil)
        #expect(ArgumentValues.timeoutRule.refusal(of: .zero, option: "-w") == "-w must be more than 0 and at most 2147483 seconds")
        #expect(ArgumentValues.timeoutRule.refusal(of: try #require(TimeSpan("1e300")), option: "--idle-timeout")
                == "--idle-timeout must be more than 0 and at most 2147483 seconds")
        #expect(ArgumentValues.quitTimerRule.refusal(of: .zero, option: "-q") == nil)
        #expect(ArgumentValues.quitTimerRule.refusal(of: try #require(TimeSpan("2147484")), option: "-q") == "-q must be 0 to 2147483 seconds")
    }

    @Test func countsArePositive() throws {
        #expect(try ArgumentValues.count("3", what: "max-conns") == 3)
        #expect(throws: NetcatUsageError("max-conns invalid: 0")) { try ArgumentValues.count("0", what: "max-conns") }
    }
}
