import SNCForward
import SNCLab
import SNCNetcat
import SNCSocket

/// Ports, port ranges, timeouts, counts, `--allow`/`--deny` rules, `--source`
/// ranges, `--sweep` levels, byte sizes and ssh_config times: the whole input
/// goes through each parser (numeric only where a name would hit DNS).
enum AddressesHarness {
    static let peers = ["127.0.0.1", "10.1.2.3", "::1", "::ffff:192.168.0.1", "2001:db8::1"].compactMap {
        SocketAddress(numericHost: $0, port: 0)
    }

    static func run(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
        let text = input.text
        for transport in [Transport.tcp, .udp] {
            if let port = Port(text, transport: transport) { precondition(port.number > 0) }
            if let range = PortRange(text, transport: transport) {
                precondition(range.lower.number <= range.upper.number)
                _ = range.description
            }
        }
        for numeric in [true, false] {
            _ = try? ArgumentValues.port(text, numeric: numeric)
            if let range = try? ArgumentValues.portRange(text, numeric: numeric) {
                precondition(range.lower.number <= range.upper.number)
            }
        }
        if let span = TimeSpan(text) {
            precondition(span.seconds.isFinite && span.seconds >= 0)
            _ = ArgumentValues.timeoutRule.refusal(of: span, option: "-w")
        }
        _ = QuitTimer(text)?.seconds
        _ = try? ArgumentValues.count(text, what: "count")
        if let rules = try? AccessRule.parse(text, numeric: true) {
            let control = AccessControl(allowed: rules, denied: rules)
            for peer in peers {
                _ = control.permits(peer)
                _ = control.refusal(for: peer)
            }
            _ = rules.map(\.description)
        }
        if let address = SocketAddress(numericHost: text, port: 0) { _ = address.description }
        if let sources = SourceAddresses.parse(text) { precondition(!sources.isEmpty) }
        if let levels = SweepLevels.parse(text) { precondition(levels.allSatisfy { $0 > 0 }) }
        if let size = ByteCount.parse(text) { precondition(size >= 0) }
        if let seconds = SSHConfigParser.parseTime(text) { precondition(seconds >= 0 && seconds <= Int(Int32.max)) }
        return 0
    }
}
