import SNCSocket

/// `--source 127.0.0.2-127.0.0.9`: local addresses to spread clients over.
///
/// Each source address has its own set of ephemeral ports toward a given
/// server, so eight loopback sources give eight times the ~28,000 ports
/// before connect(2) fails with EADDRNOTAVAIL.
package struct SourceAddresses: Sendable {
    package let addresses: [SocketAddress]
    /// As the user wrote it, for messages about it.
    package let text: String

    /// The addresses `text` names; nil where `parse` finds none.
    package init?(_ text: String) {
        guard let addresses = Self.parse(text) else { return nil }
        self.addresses = addresses
        self.text = text
    }

    /// The most addresses a range may name.
    package static let limit = 65536

    /// A single address, a comma-separated list, or an IPv4 range
    /// "A-B" (inclusive); nil if any part is not a numeric address.
    package static func parse(_ text: String) -> [SocketAddress]? {
        var addresses: [SocketAddress] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let part = item.trimmedOfSpaces()
            if let single = SocketAddress(numericHost: part, port: 0) {
                addresses.append(single)
                continue
            }
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2, let low = ipv4Number(String(ends[0])), let high = ipv4Number(String(ends[1])),
                  low <= high, Int(high - low) < limit - addresses.count else { return nil }
            for number in low...high {
                guard let address = SocketAddress(numericHost: ipv4Text(number), port: 0) else { return nil }
                addresses.append(address)
            }
        }
        return addresses.isEmpty ? nil : addresses
    }

    static func ipv4Number(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var number: UInt32 = 0
        for part in parts {
            guard let octet = UInt8(part), String(octet) == part else { return nil }
            number = number << 8 | UInt32(octet)
        }
        return number
    }

    static func ipv4Text(_ number: UInt32) -> String {
        "\(number >> 24).\(number >> 16 & 0xff).\(number >> 8 & 0xff).\(number & 0xff)"
    }
}
