import SNCSocket

/// One `-L [bind_address:]port:host:hostport` (or config `LocalForward`):
/// listen locally on port, and send each connection to host:hostport as the
/// SSH server sees it.
package struct ForwardSpec: Sendable, Hashable, CustomStringConvertible {
    /// What to bind: nil = loopback (127.0.0.1, ssh's GatewayPorts=no);
    /// "" or "*" = every interface; anything else is resolved.
    package let bindAddress: String?
    package let port: UInt16
    package let host: String
    package let hostPort: UInt16

    package init(bindAddress: String?, port: UInt16, host: String, hostPort: UInt16) {
        self.bindAddress = bindAddress
        self.port = port
        self.host = host
        self.hostPort = hostPort
    }

    /// Which way a spec forwards: `-L`/LocalForward or `-R`/RemoteForward
    /// (same syntax; a remote listen port may be 0: the server chooses).
    package enum Kind: String, Sendable {
        case local, remote, dynamic
    }

    /// Why a spec could not be parsed.
    package struct ParseError: Error, Sendable, CustomStringConvertible {
        package let text: String
        package let reason: String
        package var kind = Kind.local
        package var description: String { CommandLineNames.oneLine("Bad \(kind.rawValue) forwarding specification '\(text)': \(reason)") }
    }

    /// Parses ssh's `-L` argument: `[bind_address:]port:host:hostport`, with
    /// IPv6 addresses in square brackets (`[::1]:8080:[::1]:80`).
    package init(argument text: String, kind: Kind = .local) throws(ParseError) {
        do throws(ParseError) {
            let fields = try Self.split(text)
            switch fields.count {
            case 3:
                try self.init(text: text, bind: nil, port: fields[0], host: fields[1], hostPort: fields[2], kind: kind)
            case 4:
                try self.init(text: text, bind: fields[0], port: fields[1], host: fields[2], hostPort: fields[3], kind: kind)
            default:
                throw ParseError(text: text, reason: "expected [bind_address:]port:host:hostport")
            }
        } catch {
            var failure = error
            failure.kind = kind
            throw failure
        }
    }

    /// Parses ssh_config's `LocalForward [bind_address:]port host:hostport`.
    /// Parses ssh_config's `LocalForward [bind_address:]port host:hostport`
    /// (and RemoteForward's, with `kind: .remote`).
    package init(localForward listen: String, _ target: String, kind: Kind = .local) throws(ParseError) {
        let text = "\(listen) \(target)"
        do throws(ParseError) {
            let listenFields = try Self.split(listen)
            let targetFields = try Self.split(target)
            guard targetFields.count == 2, (1...2).contains(listenFields.count) else {
                throw ParseError(text: text, reason: "expected [bind_address:]port host:hostport")
            }
            try self.init(
                text: text, bind: listenFields.count == 2 ? listenFields[0] : nil, port: listenFields.last ?? "",
                host: targetFields[0], hostPort: targetFields[1], kind: kind)
        } catch {
            var failure = error
            failure.kind = kind
            throw failure
        }
    }

    private init(text: String, bind: String?, port: String, host: String, hostPort: String, kind: Kind) throws(ParseError) {
        let listenPort: UInt16
        if kind == .remote && port == "0" {
            listenPort = 0
        } else if let parsed = Self.port(port) {
            listenPort = parsed
        } else {
            throw ParseError(text: text, reason: "bad listen port '\(port)'")
        }
        guard let targetPort = Self.port(hostPort) else { throw ParseError(text: text, reason: "bad host port '\(hostPort)'") }
        guard !host.isEmpty else { throw ParseError(text: text, reason: "missing host") }
        // `-G` would print a control character as extra config lines, and
        // no host or address has one.
        if (bind.map { Array($0.utf8) } ?? []).contains(where: { $0 < 0x20 || $0 == 0x7F })
            || host.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw ParseError(text: text, reason: "control character in a name")
        }
        self.bindAddress = bind
        self.port = listenPort
        self.host = host
        self.hostPort = targetPort
    }

    /// A port number or a service name (`ssh` = 22), as ssh's a2port accepts.
    static func port(_ text: String) -> UInt16? {
        if let number = Int(text) { return (1...65535).contains(number) ? UInt16(number) : nil }
        return Port(text).map(\.number)
    }

    /// Splits on colons that are outside square brackets, removing the
    /// brackets, as ssh's parse_fwd_field: a field that starts with '['
    /// runs to the first ']', which must end the field; other brackets are
    /// plain characters. Works on bytes: a ':' followed by a combining mark
    /// is one Swift `Character`, which a Character split would not see.
    static func split(_ text: String) throws(ParseError) -> [String] {
        let colon = UInt8(ascii: ":"), open = UInt8(ascii: "["), close = UInt8(ascii: "]")
        let bytes = Array(text.utf8)
        var fields: [String] = []
        var index = 0
        while true {
            if index < bytes.count, bytes[index] == open {
                guard let end = bytes[(index + 1)...].firstIndex(of: close) else {
                    throw ParseError(text: text, reason: "unbalanced '['")
                }
                guard end + 1 == bytes.count || bytes[end + 1] == colon else {
                    throw ParseError(text: text, reason: "']' must end a field")
                }
                fields.append(String(decoding: bytes[(index + 1)..<end], as: UTF8.self))
                index = end + 1
            } else {
                let end = bytes[index...].firstIndex(of: colon) ?? bytes.count
                fields.append(String(decoding: bytes[index..<end], as: UTF8.self))
                index = end
            }
            guard index < bytes.count else { return fields }
            index += 1  // the colon
        }
    }

    /// Whether this spec asks for every interface (`*`, empty, 0.0.0.0, ::).
    package var bindsAllInterfaces: Bool {
        guard let bindAddress else { return false }
        return bindAddress.isEmpty || bindAddress == "*" || bindAddress == "0.0.0.0" || bindAddress == "::"
    }

    /// ssh -G's spelling: `[127.0.0.1]:8080 [localhost]:9000`, or `8080 [h]:1` with no bind address.
    package var configDescription: String {
        let listen = bindAddress.map { "[\($0.isEmpty ? "*" : $0)]:\(port)" } ?? "\(port)"
        return "\(listen) [\(host)]:\(hostPort)"
    }

    package var description: String {
        let listen = bindAddress.map { "\(bracketed($0)):\(port)" } ?? "\(port)"
        return "\(listen):\(bracketed(host)):\(hostPort)"
    }

    private func bracketed(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
}
