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

    package var description: String {
        let address = network.count == 4
            ? network.map(String.init).joined(separator: ".")
            : stride(from: 0, to: network.count, by: 2).map { String(UInt16(network[$0]) << 8 | UInt16(network[$0 + 1]), radix: 16) }.joined(separator: ":")
        return "\(address)/\(prefixLength)"
    }
}

/// ncat's `--allow` and `--deny`: with any `--allow`, only matching peers
/// are served; a peer matching `--deny` is refused unless an `--allow` also
/// matches it (the more specific wish wins: allow).
package struct AccessControl: Sendable, Equatable {
    package var allowed: [AccessRule] = []
    package var denied: [AccessRule] = []

    package init(allowed: [AccessRule] = [], denied: [AccessRule] = []) {
        self.allowed = allowed
        self.denied = denied
    }

    package func permits(_ peer: SocketAddress) -> Bool {
        if allowed.contains(where: { $0.matches(peer) }) { return true }
        if !allowed.isEmpty { return false }
        return !denied.contains { $0.matches(peer) }
    }

    /// Why `peer` is refused, for the `-v` line.
    package func refusal(for peer: SocketAddress) -> String {
        allowed.isEmpty ? "denied by --deny" : "not in --allow"
    }
}
