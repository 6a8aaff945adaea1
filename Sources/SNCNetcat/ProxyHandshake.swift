import SNCSocket

/// Asks a proxy, over a connection already made to it, to connect to the
/// destination: SOCKS4/4a, SOCKS5 (with RFC 1929 username/password when the
/// proxy asks for it) or HTTP CONNECT. On return the connection carries the
/// destination's bytes and nothing of the proxy's answer.
struct ProxyHandshake {
    let spec: ProxySpec
    let stream: ProxyStream
    /// Asked for the password only when the proxy needs one and `spec` has none.
    let askPassword: (_ user: String) -> String?

    /// The most HTTP answer header snc reads before giving up on the proxy.
    static let headerLimit = 16 * 1024

    func run(to destination: ProxyDestination) throws(ProxyError) {
        do {
            switch spec.kind {
            case .socks4: try socks4(destination)
            case .socks5: try socks5(destination)
            case .http: try http(destination)
            }
        } catch {
            throw ProxyError(proxy: spec.name, kind: spec.kind, reason: error)
        }
    }

    private func password(for user: String) throws(ProxyError.Reason) -> String {
        if let password = spec.password { return password }
        guard let password = askPassword(user) else { throw .noPassword(user: user) }
        return password
    }

    private func socks4(_ destination: ProxyDestination) throws(ProxyError.Reason) {
        guard let request = SOCKS4Messages.connectRequest(destination, user: spec.user) else {
            throw .unsupportedDestination("cannot carry \(destination.authority) (SOCKS4 takes IPv4 addresses and, as SOCKS4a, names)")
        }
        try stream.send(request)
        let reply = try stream.receive(exactly: 8)
        switch SOCKS4Messages.reply(reply) {
        case .granted: return
        case .rejected(let code):
            throw .refused(destination: destination.authority, answer: SOCKS4Messages.replyText(code))
        case .invalid:
            throw .garbage(stream.glimpse(after: reply))
        }
    }

    private func socks5(_ destination: ProxyDestination) throws(ProxyError.Reason) {
        guard let request = SOCKS5Messages.connectRequest(destination) else {
            throw .unsupportedDestination("cannot carry the name in \(destination.authority) (SOCKS5 takes names of 1 to 255 bytes)")
        }
        let offersPassword = spec.user != nil
        try stream.send(SOCKS5Messages.greeting(offeringPassword: offersPassword))
        let choice = try stream.receive(exactly: 2)
        switch SOCKS5Messages.chosenMethod(choice) {
        case SOCKS5Messages.noAuthentication?:
            break
        case SOCKS5Messages.usernamePassword? where offersPassword:
            let user = spec.user ?? ""
            guard let login = SOCKS5Messages.passwordRequest(user: user, password: try password(for: user)) else {
                throw .unsupportedDestination("user name or password longer than 255 bytes")
            }
            try stream.send(login)
            let answer = try stream.receive(exactly: 2)
            guard let accepted = SOCKS5Messages.passwordAccepted(answer) else { throw .garbage(stream.glimpse(after: answer)) }
            if !accepted { throw .authenticationFailed(user: user) }
        case SOCKS5Messages.noAcceptableMethod?:
            throw .noAcceptableMethod(offeredPassword: offersPassword)
        default:
            // A method snc did not offer, or not SOCKS5 at all.
            throw .garbage(stream.glimpse(after: choice))
        }
        try stream.send(request)
        let head = try stream.receive(exactly: 4)
        switch SOCKS5Messages.replyHead(head) {
        case .succeeded(let remaining?):
            _ = try stream.receive(exactly: remaining)
        case .succeeded(nil):
            let length = try stream.receive(exactly: 1)
            _ = try stream.receive(exactly: Int(length[0]) + 2)
        case .failed(let code):
            throw .refused(destination: destination.authority, answer: SOCKS5Messages.replyText(code))
        case .invalid:
            throw .garbage(stream.glimpse(after: head))
        }
    }

    private func http(_ destination: ProxyDestination) throws(ProxyError.Reason) {
        let password = try spec.user.map { user throws(ProxyError.Reason) in try self.password(for: user) }
        try stream.send(HTTPConnectMessages.request(destination, user: spec.user, password: password))
        // Header bytes are taken from the socket as they come, but a peek
        // first finds where the header ends, so that the destination's bytes
        // behind it are left for the relay.
        var header: [UInt8] = []
        while true {
            let available = try stream.peek(upTo: Self.headerLimit + 1 - header.count)
            if available.isEmpty { throw .closed(received: header) }
            let seen = header + available
            if !HTTPConnectMessages.couldBeStatusLine(seen) { throw .garbage(seen) }
            if let length = HTTPConnectMessages.headerLength(seen) {
                header += try stream.receive(exactly: length - header.count)
                break
            }
            if seen.count > Self.headerLimit { throw .headerTooLarge(limit: Self.headerLimit) }
            header += try stream.receive(exactly: available.count)
        }
        guard let status = HTTPConnectMessages.status(ofHeader: header) else {
            throw .garbage(Array(header.prefix(48)))
        }
        if status.isSuccess { return }
        var answer = ProxyError.printable(status.line)
        if status.code == 407 && spec.user == nil { answer += " (give a user with -P USER or --proxy-auth USER:PASS)" }
        throw .refused(destination: destination.authority, answer: answer)
    }
}
