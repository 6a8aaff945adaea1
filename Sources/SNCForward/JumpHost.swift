/// One hop of `-J` / `ProxyJump`: `[USER@]HOST[:PORT]` or
/// `ssh://[USER@]HOST[:PORT]`, parsed as OpenSSH's `parse_jump` does
/// (readconf.c: `parse_ssh_uri`, then `parse_user_host_port`).
package struct JumpHost: Sendable, Equatable {
    package let user: String?
    package let host: String
    package let port: UInt16?
    /// The hop as written, for `-J` on the next hop's command line.
    package let written: String

    /// Nil when the text is not a hop ssh would accept.
    package init?(_ text: String) {
        var bytes = Array(text.utf8)[...]
        let scheme = Array("ssh://".utf8)
        if bytes.count >= scheme.count, bytes.prefix(scheme.count).map({ $0 | 0x20 }) == scheme.map({ $0 | 0x20 }) {
            bytes = bytes.dropFirst(scheme.count)
            // A URI may end in "/" and nothing else: ssh takes no path here.
            if bytes.last == UInt8(ascii: "/") { bytes = bytes.dropLast() }
            if bytes.contains(UInt8(ascii: "/")) { return nil }
        }
        var user: String?
        if let at = bytes.lastIndex(of: UInt8(ascii: "@")) {
            guard at > bytes.startIndex else { return nil }
            user = String(decoding: bytes[..<at], as: UTF8.self)
            bytes = bytes[(at + 1)...]
        }
        // hpdelim: "[v6]" or everything up to the first ':'.
        let hostBytes: ArraySlice<UInt8>
        var portBytes: ArraySlice<UInt8>? = nil
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            hostBytes = bytes[(bytes.startIndex + 1)..<close]
            let rest = bytes[(close + 1)...]
            if let first = rest.first {
                guard first == UInt8(ascii: ":") else { return nil }
                portBytes = rest.dropFirst()
            }
        } else if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            hostBytes = bytes[..<colon]
            portBytes = bytes[(colon + 1)...]
        } else {
            hostBytes = bytes
        }
        guard !hostBytes.isEmpty else { return nil }
        var port: UInt16?
        if let portBytes, !portBytes.isEmpty {
            // a2port: digits only, 1...65535.
            guard portBytes.count <= 5, portBytes.allSatisfy({ (0x30...0x39).contains($0) }),
                  let number = Int(String(decoding: portBytes, as: UTF8.self)), (1...65535).contains(number)
            else { return nil }
            port = UInt16(number)
        }
        let host = String(decoding: hostBytes, as: UTF8.self)
        // The hop becomes a command-line destination of the next snc: the
        // checks ssh makes on command-line names apply.
        if (try? CommandLineNames.validate(host: host)) == nil { return nil }
        if let user, (try? CommandLineNames.validate(user: user)) == nil || user.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return nil
        }
        self.user = user
        self.host = host
        self.port = port
        self.written = text
    }

    /// As `ssh -G` prints the last hop: user@, brackets around a name with ':', :port.
    package var normalized: String {
        let name = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        return (user.map { "\($0)@" } ?? "") + name + (port.map { ":\($0)" } ?? "")
    }
}

/// A whole `-J`/`ProxyJump` value: hops in the order they are reached, or
/// `none`.
package enum JumpChain {
    package enum Parsed: Sendable, Equatable {
        /// `none`: connect directly. (Not called `none`, which an optional
        /// result would read as Optional.none.)
        case direct
        /// The hops, first reached first.
        case hops([JumpHost])
    }

    /// Nil when any hop is malformed: ssh refuses the whole value.
    package static func parse(_ value: String) -> Parsed? {
        // parse_jump drops a '#' comment and trailing whitespace.
        var bytes = Array(value.utf8)
        if let hash = bytes.firstIndex(of: UInt8(ascii: "#")) { bytes.removeSubrange(hash...) }
        while let last = bytes.last, last == 0x20 || (0x09...0x0D).contains(last) { bytes.removeLast() }
        let text = String(decoding: bytes, as: UTF8.self)
        if text.lowercased() == "none" { return .direct }
        guard !bytes.isEmpty else { return nil }
        var hops: [JumpHost] = []
        for part in bytes.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            guard let hop = JumpHost(String(decoding: part, as: UTF8.self)) else { return nil }
            hops.append(hop)
        }
        return .hops(hops)
    }
}
