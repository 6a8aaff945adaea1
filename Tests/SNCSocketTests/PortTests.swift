import Testing
import SNCSocket

@Suite struct PortTests {
    @Test(arguments: ["1", "80", "65535"])
    func numbersInRangeParse(_ text: String) throws {
        let port = try #require(Port(text))
        #expect(String(port.number) == text)
    }

    @Test(arguments: ["0", "65536", "70000", "-1", "abc-def", "", "12ab"])
    func invalidPortsAreRejected(_ text: String) {
        #expect(Port(text) == nil)
    }

    @Test func serviceNamesResolveThroughServices() throws {
        // /etc/services comes with netbase; http is 80 in every copy of it.
        let port = try #require(Port("http"))
        #expect(port.number == 80)
    }

    @Test func rangesExpandInclusively() throws {
        let range = try #require(PortRange("20-25"))
        #expect(range.ports.map(\.number) == [20, 21, 22, 23, 24, 25])
        #expect(PortRange("25-20") == nil)
        #expect(PortRange("0-5") == nil)
        #expect(try #require(PortRange("8080")).ports.map(\.number) == [8080])
    }
}
