import Testing
import SNCNetcat
import SNCSocket
import Glibc

@Suite struct AccessFileTests {
    /// Writes `bytes` to a fresh file under /tmp and returns its path; the caller removes it.
    func file(_ bytes: [UInt8]) throws -> String {
        var template = Array("/tmp/snc-access-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        try #require(descriptor >= 0)
        close(descriptor)
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        try FileContents.write(path: path, bytes: bytes)
        return path
    }

    func address(_ host: String) throws -> SocketAddress {
        try #require(SocketAddress(numericHost: host, port: 1234))
    }

    @Test func linesCommentsAndCRLF() throws {
        let path = try file(Array("# header\r\n10.0.0.0/8\r\n\r\n  192.0.2.7  # one host\n\t::1\n".utf8))
        defer { unlink(path) }
        let rules = try AccessRule.parse(file: path, option: "--allowfile", numeric: true)
        #expect(rules.map(\.description) == ["10.0.0.0/8", "192.0.2.7/32", "0:0:0:0:0:0:0:1/128"])
    }

    @Test func aBadLineNamesFileAndLine() throws {
        let path = try file(Array("10.0.0.1\n\n300.1.1.1\n".utf8))
        defer { unlink(path) }
        #expect(throws: NetcatUsageError("--denyfile \(path) line 3: invalid address or prefix: 300.1.1.1")) {
            try AccessRule.parse(file: path, option: "--denyfile", numeric: true)
        }
    }

    @Test func anUnreadableFileIsAUsageError() {
        #expect(throws: NetcatUsageError("cannot read --allowfile /nonexistent/rules: No such file or directory")) {
            try AccessRule.parse(file: "/nonexistent/rules", option: "--allowfile")
        }
    }
}
