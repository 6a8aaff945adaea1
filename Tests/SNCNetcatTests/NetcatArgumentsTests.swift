import Testing
import SNCNetcat

@Suite struct NetcatArgumentsTests {
    let subcommands: Set<String> = ["connect", "listen", "serve", "load", "forward"]

    func rewrite(_ line: String) -> [String] {
        NetcatArguments.rewrite(line.split(separator: " ").map(String.init), subcommands: subcommands)
    }

    @Test func listenIsChosenWhenMinusLAppears() {
        #expect(rewrite("-l 5555") == ["listen", "-l", "5555"])
        #expect(rewrite("-lv localhost 5555") == ["listen", "-l", "-v", "localhost", "5555"])
        #expect(rewrite("-lvk 5555") == ["listen", "-l", "-v", "-k", "5555"])
        #expect(rewrite("-v -k -l 5555") == ["listen", "-v", "-k", "-l", "5555"])
    }

    @Test func connectIsChosenOtherwise() {
        #expect(rewrite("127.0.0.1 5555") == ["connect", "127.0.0.1", "5555"])
        #expect(rewrite("-zv host 20-25") == ["connect", "-z", "-v", "host", "20-25"])
        #expect(rewrite("--send-only host 80") == ["connect", "--send-only", "host", "80"])
    }

    @Test func clusterEndingInAValueOptionTakesTheNextArgument() {
        #expect(rewrite("-lvnp 5555") == ["listen", "-l", "-v", "-n", "-p", "5555"])
    }

    @Test func valuesGluedToTheirLetterAreSplitOff() {
        #expect(rewrite("-q0 host 80") == ["connect", "-q", "0", "host", "80"])
        #expect(rewrite("-w3 host 80") == ["connect", "-w", "3", "host", "80"])
        #expect(rewrite("-lvp5555") == ["listen", "-l", "-v", "-p", "5555"])
    }

    @Test func aValueIsNeverReadAsAnOption() {
        // getopt takes the argument after -q whatever it looks like; "-l" as a value is not listen mode.
        #expect(rewrite("-q -1 host 80") == ["connect", "-q", "-1", "host", "80"])
        #expect(rewrite("-s -l host 80") == ["connect", "-s", "-l", "host", "80"])
        #expect(rewrite("--output -l host 80") == ["connect", "--output", "-l", "host", "80"])
        #expect(rewrite("host 80 -- -l") == ["connect", "host", "80", "--", "-l"])
    }

    @Test func subcommandsAndRootOptionsPassThrough() {
        #expect(rewrite("serve -lvk 80") == ["serve", "-lvk", "80"])
        #expect(rewrite("--help") == ["--help"])
        #expect(rewrite("-h") == ["-h"])
        #expect(rewrite("--version") == ["--version"])
        #expect(rewrite("help listen") == ["help", "listen"])
        #expect(rewrite("--experimental-dump-help") == ["--experimental-dump-help"])
        #expect(NetcatArguments.rewrite([], subcommands: subcommands) == [])
    }

    @Test func connectAndListenArgumentsAreSplitToo() {
        #expect(rewrite("listen -lvkp 5555") == ["listen", "-l", "-v", "-k", "-p", "5555"])
        #expect(rewrite("connect -q0 host 80") == ["connect", "-q", "0", "host", "80"])
    }

    @Test func unknownLettersLeaveTheClusterWhole() {
        // The parser then reports it as an unknown option.
        #expect(rewrite("-lY 5555") == ["connect", "-lY", "5555"])
        #expect(rewrite("-vY host 80") == ["connect", "-vY", "host", "80"])
    }

    @Test func proxyOptionsTakeTheirValuesAsNcDoes() {
        #expect(rewrite("-vx127.0.0.1:1080 -X5 host 80") == ["connect", "-v", "-x", "127.0.0.1:1080", "-X", "5", "host", "80"])
        #expect(rewrite("-Xconnect -x proxy -P me host 80") == ["connect", "-X", "connect", "-x", "proxy", "-P", "me", "host", "80"])
        // The value of --proxy is never a destination, and never switches on listen mode.
        #expect(rewrite("--proxy -l host 80") == ["connect", "--proxy", "-l", "host", "80"])
        #expect(rewrite("--proxy-type http --proxy p host 80") == ["connect", "--proxy-type", "http", "--proxy", "p", "host", "80"])
    }
}
