import SNCSocket

/// One `--allow`/`--deny` entry: an address with an optional prefix length
/// ("10.0.0.0/8", "::1", "127.0.0.1/32").
package struct AccessRule: Sendable, Equatable, CustomStringConvertible {
    /// The network-order address, 4 bytes (IPv4) or 16 (IPv6).
    package let network: [UInt8]
    package let prefixLength: Int

    /// Parses "ADDRESS[/PREFIX]". A name (not with `numeric`) is looked up
    /// and gives one exact rule per address it resolves to.
    package static func parse(_ text: String, numeric: Bool = false) throws(NetcatUsageError) -> [AccessRule] {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let host = String(parts[0])
        var prefix: Int?
        if parts.count == 2 {
            guard let value = Int(parts[1]), value >= 0 else { throw NetcatUsageError("invalid address or prefix: \(text)") }
            prefix = value
        }
        if let literal = SocketAddress(numericHost: host, port: 0) {
            let bytes = literal.unmappingIPv4.addressBytes
            let length = prefix ?? bytes.count * 8
            guard length <= bytes.count * 8 else { throw NetcatUsageError("invalid address or prefix: \(text)") }
            return [AccessRule(network: bytes, prefixLength: length)]
        }
        guard prefix == nil, !numeric, !host.isEmpty else { throw NetcatUsageError("invalid address or prefix: \(text)") }
        let addresses: [SocketAddress]
        do {
            addresses = try Resolver.resolve(host: host, port: 0)
        } catch {
            throw NetcatUsageError("cannot resolve \(host): \(error.message)")
        }
        return addresses.map { address in
            let bytes = address.unmappingIPv4.addressBytes
            return AccessRule(network: bytes, prefixLength: bytes.count * 8)
        }
    }

    package init(network: [UInt8], prefixLength: Int) {
        self.network = network
        self.prefixLength = prefixLength
    }

    /// Whether `address` (IPv4-mapped IPv6 compared as IPv4) lies inside this rule.
    package func matches(_ address: SocketAddress) -> Bool {
        let bytes = address.unmappingIPv4.addressBytes
        guard bytes.count == network.count else { return false }
        var remaining = prefixLength
        for (have, want) in zip(bytes, network) where remaining > 0 {
            let bits = min(remaining, 8)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if have & mask != want & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// `--allowfile`/`--denyfile`: one ADDRESS[/PREFIX] or host name per
    /// line; blank lines and `#` comments (a whole line, or after the entry)
    /// are skipped. The file is read as bytes and split by `TextLines`
    /// (CR LF files work). A line that is not a rule is a usage error naming
    /// the file and the line.
    ///
    /// - Parameter option: the option that named the file, for messages.
    package static func parse(file path: String, option: String, numeric: Bool = false) throws(NetcatUsageError) -> [AccessRule] {
        let bytes: [UInt8]
        do {
            bytes = try FileContents.read(path: path, limit: fileLimit)
        } catch let error as SyscallError {
            throw NetcatUsageError("cannot read \(option) \(path): \(error.errno.description)")
        } catch {
            throw NetcatUsageError("cannot read \(option) \(path): \(error)")
        }
        var rules: [AccessRule] = []
        for (index, line) in TextLines.split(bytes).enumerated() {
            var entry = line
            if let comment = entry.firstIndex(of: UInt8(ascii: "#")) { entry = entry[..<comment] }
            let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            guard let first = entry.firstIndex(where: { !blank($0) }), let last = entry.lastIndex(where: { !blank($0) }) else { continue }
            let text = String(decoding: entry[first...last], as: UTF8.self)
            do {
                rules += try parse(text, numeric: numeric)
            } catch {
                throw NetcatUsageError("\(option) \(path) line \(index + 1): \(error.message)")
            }
        }
        return rules
    }

    /// A rules file larger than this is surely not one.
    static let fileLimit = 16 << 20

    package var description: String {
        let address = network.count == 4
            ? network.map(String.init).joined(separator: ".")
            : stride(from: 0, to: network.count, by: 2).map { String(UInt16(network[$0]) << 8 | UInt16(network[$0 + 1]), radix: 16) }.joined(separator: ":")
        return "\(address)/\(prefixLength)"
    }
}

/// ncat's `--allow` and `--deny` (and their `--allowfile`/`--denyfile`):
/// with any allow rule, only matching peers are served; a peer matching a
/// deny rule is refused even when an allow rule matches it too. A deny rule
/// is the one a user relies on, and ncat 7.93 behaves so (its man page says
/// allow takes precedence; `ncat -l --allow 127.0.0.1 --deny 127.0.0.1`
/// turns 127.0.0.1 away: "New connection denied: not allowed").
package struct AccessControl: Sendable, Equatable {
    package var allowed: [AccessRule] = []
    package var denied: [AccessRule] = []

    package init(allowed: [AccessRule] = [], denied: [AccessRule] = []) {
        self.allowed = allowed
        self.denied = denied
    }

    package func permits(_ peer: SocketAddress) -> Bool {
        if denied.contains(where: { $0.matches(peer) }) { return false }
        return allowed.isEmpty || allowed.contains { $0.matches(peer) }
    }

    /// Why `peer` is refused, for the `-v` line.
    package func refusal(for peer: SocketAddress) -> String {
        denied.contains { $0.matches(peer) } ? "denied by --deny" : "not in --allow"
    }
}
