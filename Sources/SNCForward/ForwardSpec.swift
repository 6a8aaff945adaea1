import SNCSocket

/// One `-L [bind_address:]port:host:hostport` (or config `LocalForward`):
/// listen locally on port, and send each connection to host:hostport as the
/// SSH server sees it. Either end may be a Unix-domain socket instead, as
/// in ssh: `-L /local.sock:host:hostport`, `-L [bind_address:]port:/remote.sock`,
/// `-L /local.sock:/remote.sock` (a field with a '/' is a path).
package struct ForwardSpec: Sendable, Hashable, CustomStringConvertible {
    /// What to bind: nil = loopback (127.0.0.1, ssh's GatewayPorts=no);
    /// "" or "*" = every interface; anything else is resolved.
    package let bindAddress: String?
    package let port: UInt16
    package let host: String
    package let hostPort: UInt16
    /// A Unix-domain socket to listen on instead of a port (`port` is 0).
    package private(set) var listenPath: String?
    /// A Unix-domain socket on the server to connect to instead of
    /// host:hostport (`direct-streamlocal@openssh.com`; `host` is "", `hostPort` 0).
    package private(set) var targetPath: String?

    package init(bindAddress: String?, port: UInt16, host: String, hostPort: UInt16, listenPath: String? = nil, targetPath: String? = nil) {
        self.bindAddress = bindAddress
        self.port = port
        self.host = host
        self.hostPort = hostPort
        self.listenPath = listenPath
        self.targetPath = targetPath
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
            try self.init(text: text, fields: try Self.split(text), kind: kind)
        } catch {
            var failure = error
            failure.kind = kind
            throw failure
        }
    }

    /// Parses ssh_config's `LocalForward [bind_address:]port host:hostport`
    /// (and RemoteForward's, with `kind: .remote`); either side may be a
    /// socket path. ssh joins the two arguments with ':' and parses the result.
    package init(localForward listen: String, _ target: String, kind: Kind = .local) throws(ParseError) {
        let text = "\(listen) \(target)"
        do throws(ParseError) {
            let listenFields = try Self.split(listen)
            let targetFields = try Self.split(target)
            guard (1...2).contains(listenFields.count), (1...2).contains(targetFields.count) else {
                throw ParseError(text: text, reason: "expected [bind_address:]port host:hostport")
            }
            try self.init(text: text, fields: listenFields + targetFields, kind: kind)
        } catch {
            var failure = error
            failure.kind = kind
            throw failure
        }
    }

    /// ssh's parse_forward: which fields are paths (they contain '/') says
    /// which form this is.
    private init(text: String, fields: [String], kind: Kind) throws(ParseError) {
        let isPath = { (field: String) in field.utf8.contains(UInt8(ascii: "/")) }
        var listenPath: String?, targetPath: String?
        switch fields.count {
        case 2 where isPath(fields[1]):
            targetPath = fields[1]
            if isPath(fields[0]) {
                listenPath = fields[0]
                try self.init(text: text, bind: nil, port: nil, host: "", hostPort: nil, kind: kind)
            } else {
                try self.init(text: text, bind: nil, port: fields[0], host: "", hostPort: nil, kind: kind)
            }
        case 3 where isPath(fields[0]):
            listenPath = fields[0]
            try self.init(text: text, bind: nil, port: nil, host: fields[1], hostPort: fields[2], kind: kind)
        case 3 where isPath(fields[2]):
            targetPath = fields[2]
            try self.init(text: text, bind: fields[0], port: fields[1], host: "", hostPort: nil, kind: kind)
        case 3:
            try self.init(text: text, bind: nil, port: fields[0], host: fields[1], hostPort: fields[2], kind: kind)
        case 4:
            try self.init(text: text, bind: fields[0], port: fields[1], host: fields[2], hostPort: fields[3], kind: kind)
        default:
            throw ParseError(text: text, reason: "expected [bind_address:]port:host:hostport")
        }
        for path in [listenPath, targetPath].compactMap({ $0 }) {
            guard !path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
                throw ParseError(text: text, reason: "control character in a path")
            }
        }
        if let listenPath, SocketAddress(unixPath: listenPath) == nil {
            throw ParseError(text: text, reason: "socket path too long: '\(listenPath)'")
        }
        if kind == .remote && (listenPath != nil || targetPath != nil) {
            // streamlocal-forward@openssh.com is a global request whose reply
            // libssh2 1.10 cannot wait for (it only sends tcpip-forward).
            throw ParseError(text: text, reason: "Unix-socket remote forwarding is not supported (libssh2 cannot send the streamlocal-forward@openssh.com request)")
        }
        self.listenPath = listenPath
        self.targetPath = targetPath
    }

    private init(text: String, bind: String?, port: String?, host: String, hostPort: String?, kind: Kind) throws(ParseError) {
        let listenPort: UInt16
        if let port {
            if kind == .remote && port == "0" {
                listenPort = 0
            } else if let parsed = Self.port(port) {
                listenPort = parsed
            } else {
                throw ParseError(text: text, reason: "bad listen port '\(port)'")
            }
        } else {
            listenPort = 0
        }
        var targetPort: UInt16 = 0
        if let hostPort {
            guard let parsed = Self.port(hostPort) else { throw ParseError(text: text, reason: "bad host port '\(hostPort)'") }
            targetPort = parsed
            guard !host.isEmpty else { throw ParseError(text: text, reason: "missing host") }
        }
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
        self.listenPath = nil
        self.targetPath = nil
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
        let listen = listenPath ?? bindAddress.map { "[\($0.isEmpty ? "*" : $0)]:\(port)" } ?? "\(port)"
        return "\(listen) \(targetPath ?? "[\(host)]:\(hostPort)")"
    }

    package var description: String {
        let listen = listenPath ?? bindAddress.map { "\(bracketed($0)):\(port)" } ?? "\(port)"
        return "\(listen):\(targetPath ?? "\(bracketed(host)):\(hostPort)")"
    }

    /// Where connections go, for messages: "host port 80" or the socket path.
    var targetDescription: String { targetPath ?? "\(host) port \(hostPort)" }

    /// Where it listens, for messages: "port 8080" or the socket path.
    var listenDescription: String { listenPath ?? "port \(port)" }

    private func bracketed(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
}
