import SNCSocket

/// What `--via` names: `[USER@]HOST`, ssh's URI form `ssh://[USER@]HOST[:PORT]`
/// or the `-J` form `[USER@]HOST:PORT` (an IPv6 address in brackets when a
/// port follows: `[::1]:2222`). The port is split off here; user and host
/// go on to the ssh_config lookup as ssh's destination does.
struct ViaDestination: Equatable {
    /// `[USER@]HOST`, brackets removed.
    let destination: String
    let port: UInt16?

    /// A failure naming the text when it is not one of the forms above.
    static func parse(_ text: String) -> Result<ViaDestination, ViaDestinationError> {
        // Bytes, not Characters: a ':' or '@' followed by a combining mark is one Character.
        var bytes = Array(text.utf8)[...]
        let scheme = Array("ssh://".utf8)
        if bytes.starts(with: scheme) { bytes = bytes.dropFirst(scheme.count) }
        var user: ArraySlice<UInt8> = []
        if let at = bytes.lastIndex(of: UInt8(ascii: "@")) {
            user = bytes[...at]
            bytes = bytes[(at + 1)...]
        }
        var host = bytes
        var portText: ArraySlice<UInt8>?
        if bytes.first == UInt8(ascii: "["), let close = bytes.firstIndex(of: UInt8(ascii: "]")) {
            host = bytes[(bytes.startIndex + 1)..<close]
            let rest = bytes[(close + 1)...]
            if rest.first == UInt8(ascii: ":") {
                portText = rest.dropFirst()
            } else if !rest.isEmpty {
                return .failure(.malformed(text))
            }
        } else if bytes.count(where: { $0 == UInt8(ascii: ":") }) == 1, let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            host = bytes[..<colon]
            portText = bytes[(colon + 1)...]
        }
        // A trailing '/' is part of ssh's URI syntax (ssh://host/).
        if var port = portText, port.last == UInt8(ascii: "/") { port.removeLast(); portText = port }
        if portText == nil, host.last == UInt8(ascii: "/"), text.utf8.starts(with: scheme) { host.removeLast() }
        if host.isEmpty { return .failure(.malformed(text)) }
        var port: UInt16?
        if let portText {
            if portText.isEmpty { return .failure(.malformed(text)) }
            let digits = String(decoding: portText, as: UTF8.self)
            guard let number = Port(digits)?.number, number != 0, portText.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                return .failure(.badPort(digits))
            }
            port = number
        }
        return .success(ViaDestination(destination: String(decoding: user + host, as: UTF8.self), port: port))
    }
}

enum ViaDestinationError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case badPort(String)

    var description: String {
        switch self {
        case .malformed(let text): "invalid --via destination: \(text)"
        case .badPort(let text): "invalid SSH port in --via: \(text)"
        }
    }
}
