import SNCSocket

/// netcat-openbsd's `-v` wording, so that people who know nc's output can read snc's.
package enum NetcatMessages {
    /// "localhost (127.0.0.1)" when a name was given, "127.0.0.1" for a literal: nc's way of naming a target.
    package static func target(host: String, address: String) -> String {
        host == address ? address : "\(host) (\(address))"
    }

    /// "Connection to 127.0.0.1 5555 port [tcp/*] succeeded!"; the service
    /// name replaces `*` when /etc/services knows the port (not with `-n`).
    package static func connected(target: String, port: UInt16, transport: Transport, numeric: Bool) -> String {
        let service = numeric ? nil : Resolver.serviceName(ofPort: port, transport: transport)
        return "Connection to \(target) \(port) port [\(transport.rawValue)/\(service ?? "*")] succeeded!"
    }

    /// "Listening on 0.0.0.0 5555" (TCP) or "Bound on 0.0.0.0 5555" (UDP), as nc.
    package static func listening(host: String, port: UInt16, transport: Transport) -> String {
        "\(transport == .udp ? "Bound" : "Listening") on \(host) \(port)"
    }

    /// "Connection received on 127.0.0.1 40212".
    package static func received(host: String, port: UInt16) -> String {
        "Connection received on \(host) \(port)"
    }

    /// A peer refused by `--allow`/`--deny` or `--max-conns`.
    package static func refused(host: String, port: UInt16, reason: String) -> String {
        "Connection from \(host) \(port) refused: \(reason)"
    }
}
