import SNCSocket

/// Parsers for the values nc's options take, failing with nc's own wording
/// ("port number too small: 0", "max-conns invalid: 0"). Durations are
/// parsed by the command line into `TimeSpan`s; their rules are here.
package enum ArgumentValues {
    /// The largest number of seconds a timer takes: nc's INT_MAX/1000 milliseconds bound.
    package static let maximumSeconds = Double(Int32.max / 1000)

    /// `-w` and `--idle-timeout`: more than 0 (nc refuses `-w 0`), at most `maximumSeconds`.
    package static let timeoutRule = TimeSpanRule(allowsZero: false, longestSeconds: maximumSeconds)

    /// `-q`: 0 quits as soon as stdin is sent; at most `maximumSeconds`
    /// (a negative value is `QuitTimer.waitForPeer`, never checked here).
    package static let quitTimerRule = TimeSpanRule(allowsZero: true, longestSeconds: maximumSeconds)

    /// A port: a number from 1 to 65535, or a service name from /etc/services
    /// ("http") unless `numeric` (nc's `-n` forbids service lookups too).
    package static func port(_ text: String, transport: Transport = .tcp, numeric: Bool = false) throws(NetcatUsageError) -> Port {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // Too many digits for Int is still "too large", never a trap.
            guard let value = Int(text) else { throw NetcatUsageError("port number too large: \(text)") }
            if value < 1 { throw NetcatUsageError("port number too small: \(text)") }
            guard let port = Port(number: value) else { throw NetcatUsageError("port number too large: \(text)") }
            return port
        }
        if !numeric, let port = Port(text, transport: transport) { return port }
        throw NetcatUsageError("port number invalid: \(text)")
    }

    /// A port or an inclusive range "LOW-HIGH" for `-z` (a reversed range is
    /// turned around, as nc does).
    package static func portRange(_ text: String, transport: Transport = .tcp, numeric: Bool = false) throws(NetcatUsageError) -> PortRange {
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty {
            let low = try port(String(parts[0]), transport: transport, numeric: true)
            let high = try port(String(parts[1]), transport: transport, numeric: true)
            let (first, last) = low.number <= high.number ? (low, high) : (high, low)
            guard let range = PortRange("\(first.number)-\(last.number)") else {
                throw NetcatUsageError("port range not valid: \(text)")
            }
            return range
        }
        let single = try port(text, transport: transport, numeric: numeric)
        guard let range = PortRange(String(single.number)) else { throw NetcatUsageError("port number invalid: \(text)") }
        return range
    }

    /// A positive count such as `--max-conns`.
    package static func count(_ text: String, what: String, maximum: Int = 1_000_000) throws(NetcatUsageError) -> Int {
        guard let value = Int(text), value >= 1, value <= maximum else {
            throw NetcatUsageError("\(what) invalid: \(text)")
        }
        return value
    }
}
