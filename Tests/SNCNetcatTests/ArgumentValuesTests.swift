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

    @Test func secondsFollowNcsRules() throws {
        #expect(try ArgumentValues.seconds("2.5", what: "timeout") == 2.5)
        #expect(throws: NetcatUsageError("timeout invalid: abc")) { try ArgumentValues.seconds("abc", what: "timeout") }
        #expect(throws: NetcatUsageError("timeout invalid: 0")) { try ArgumentValues.seconds("0", what: "timeout") }
        #expect(throws: NetcatUsageError("timeout invalid: inf")) { try ArgumentValues.seconds("inf", what: "timeout") }
        #expect(throws: NetcatUsageError("timeout invalid: 1e300")) { try ArgumentValues.seconds("1e300", what: "timeout") }
        #expect(try ArgumentValues.seconds("-1", what: "quit timer", allowZero: true, allowNegative: true) == -1)
        #expect(try ArgumentValues.seconds("0", what: "quit timer", allowZero: true, allowNegative: true) == 0)
    }

    @Test func countsArePositive() throws {
        #expect(try ArgumentValues.count("3", what: "max-conns") == 3)
        #expect(throws: NetcatUsageError("max-conns invalid: 0")) { try ArgumentValues.count("0", what: "max-conns") }
    }
}
