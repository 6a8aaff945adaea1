/// One `-D [bind_address:]port` (or config `DynamicForward`): listen
/// locally on port and serve SOCKS4, SOCKS4a and SOCKS5 CONNECT requests
/// through the SSH server.
package struct DynamicForwardSpec: Sendable, Hashable, CustomStringConvertible {
    /// What to bind, as in `ForwardSpec`: nil = loopback, "" or "*" = every interface.
    package let bindAddress: String?
    package let port: UInt16

    package init(bindAddress: String?, port: UInt16) {
        self.bindAddress = bindAddress
        self.port = port
    }

    /// Parses `[bind_address:]port` (IPv6 addresses in square brackets), as
    /// ssh's `-D` and `DynamicForward` take it.
    package init(argument text: String) throws(ForwardSpec.ParseError) {
        func failure(_ reason: String) -> ForwardSpec.ParseError {
            var error = ForwardSpec.ParseError(text: text, reason: reason)
            error.kind = .dynamic
            return error
        }
        let fields: [String]
        do throws(ForwardSpec.ParseError) {
            fields = try ForwardSpec.split(text)
        } catch {
            throw failure(error.reason)
        }
        guard (1...2).contains(fields.count) else { throw failure("expected [bind_address:]port") }
        guard let port = ForwardSpec.port(fields[fields.count - 1]) else { throw failure("bad listen port '\(fields[fields.count - 1])'") }
        let bind = fields.count == 2 ? fields[0] : nil
        if let bind, bind.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { throw failure("control character in a name") }
        self.bindAddress = bind
        self.port = port
    }

    /// The same listening rules as a local forward's.
    var listenSpec: ForwardSpec { ForwardSpec(bindAddress: bindAddress, port: port, host: "socks", hostPort: 1) }

    /// ssh -G's spelling: `[127.0.0.1]:1080`, or `1080` with no bind address.
    package var configDescription: String {
        bindAddress.map { "[\($0.isEmpty ? "*" : $0)]:\(port)" } ?? "\(port)"
    }

    package var description: String {
        bindAddress.map { "\($0.contains(":") ? "[\($0)]" : $0):\(port)" } ?? "\(port)"
    }
}
