/// A TCP or UDP port number, 1 to 65535, parsed from a number or a service name.
package struct Port: Sendable, Hashable, CustomStringConvertible {
    package let number: UInt16

    package init?(number: Int) {
        guard (1...65535).contains(number) else { return nil }
        self.number = UInt16(number)
    }

    /// Parses "8080" or a service name from /etc/services ("http").
    /// Nil for 0, out-of-range numbers and unknown names.
    package init?(_ text: String, transport: Transport = .tcp) {
        if let value = Int(text) {
            self.init(number: value)
        } else if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }),
                  let number = Resolver.port(ofService: text, transport: transport) {
            self.init(number: Int(number))
        } else {
            return nil
        }
    }

    package var description: String { String(number) }
}

/// An inclusive range of ports, as `-z` takes them: "80", "20-25", "http".
package struct PortRange: Sendable, Hashable, CustomStringConvertible {
    package let lower: Port
    package let upper: Port

    package init?(_ text: String, transport: Transport = .tcp) {
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]) {
            guard let lower = Port(number: low), let upper = Port(number: high), low <= high else { return nil }
            self.lower = lower
            self.upper = upper
        } else if let single = Port(text, transport: transport) {
            lower = single
            upper = single
        } else {
            return nil
        }
    }

    package var ports: [Port] {
        (Int(lower.number)...Int(upper.number)).compactMap { Port(number: $0) }
    }

    package var description: String { lower == upper ? lower.description : "\(lower)-\(upper)" }
}
