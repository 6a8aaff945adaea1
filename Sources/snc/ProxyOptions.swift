import ArgumentParser
import SNCNetcat

/// netcat-openbsd's proxy options (`-x`, `-X`, `-P`) and ncat's long ones,
/// for `snc connect`. `snc listen` carries them hidden, only to refuse them
/// by name.
struct ProxyOptions: ParsableArguments {
    @Option(name: .customShort("x"), parsing: .unconditional, help: ArgumentHelp(
        "Connect through the proxy at ADDRESS[:PORT] (default port 1080 for SOCKS, 3128 for HTTP CONNECT), as nc -x.",
        discussion: "An IPv6 address takes brackets: [::1]:1080. The proxy must have answered within -w SECS, or 30 seconds without -w.",
        valueName: "address[:port]"))
    var proxyAddress: String?

    @Option(name: .customShort("X"), parsing: .unconditional, help: ArgumentHelp(
        "The proxy protocol: 4 (SOCKS4), 5 (SOCKS5, the default with -x) or connect (HTTP CONNECT), as nc -X.",
        valueName: "protocol"))
    var proxyProtocol: String?

    @Option(name: .customShort("P"), parsing: .unconditional, help: ArgumentHelp(
        "Authenticate to the proxy as USER: HTTP CONNECT Basic, or SOCKS5 username/password when the proxy asks.",
        discussion: "The password comes from SNC_PROXY_PASSWORD, else from /dev/tty (as nc).",
        valueName: "user"))
    var proxyUser: String?

    @Option(name: .customLong("proxy"), help: ArgumentHelp(
        "Connect through the proxy at HOST[:PORT], as ncat --proxy (default type http).", valueName: "host[:port]"))
    var proxy: String?

    @Option(name: .customLong("proxy-type"), help: ArgumentHelp(
        "The proxy protocol: socks4, socks5 or http (also nc's 4, 5, connect).", valueName: "type"))
    var proxyType: String?

    @Option(name: .customLong("proxy-auth"), help: ArgumentHelp(
        "Proxy credentials USER:PASS (SOCKS4: USER only); without :PASS the password is asked as for -P.",
        valueName: "user[:pass]"))
    var proxyAuth: String?

    @Option(name: .customLong("proxy-dns"), help: ArgumentHelp(
        "Who resolves the destination's name: remote (the proxy; the default), local (snc), both (snc, else the proxy), none (addresses only).",
        discussion: "-X 4 resolves locally, as nc; --proxy-type socks4 sends names as SOCKS4a.",
        valueName: "where"))
    var proxyDNS: String?

    /// The first proxy option given, as typed, for "cannot use ... with ..." messages.
    var firstGiven: String? {
        let given: [(Bool, String)] = [
            (proxyAddress != nil, "-x"), (proxy != nil, "--proxy"), (proxyProtocol != nil, "-X"),
            (proxyType != nil, "--proxy-type"), (proxyUser != nil, "-P"), (proxyAuth != nil, "--proxy-auth"),
            (proxyDNS != nil, "--proxy-dns"),
        ]
        return given.first { $0.0 }?.1
    }

    /// The proxy to use, checked; nil when none was asked for.
    func spec() throws(NetcatUsageError) -> ProxySpec? {
        if proxyAddress != nil && proxy != nil { throw NetcatUsageError("cannot use -x and --proxy") }
        if proxyProtocol != nil && proxyType != nil { throw NetcatUsageError("cannot use -X and --proxy-type") }
        if proxyUser != nil && proxyAuth != nil { throw NetcatUsageError("cannot use -P and --proxy-auth") }
        guard let address = proxyAddress ?? proxy else {
            if let option = firstGiven { throw NetcatUsageError("\(option) needs a proxy: -x ADDRESS[:PORT] or --proxy HOST[:PORT]") }
            return nil
        }
        // nc's -x speaks SOCKS5 unless told otherwise; ncat's --proxy, HTTP.
        var kind: ProxyProtocol = proxyAddress != nil ? .socks5 : .http
        if let text = proxyProtocol ?? proxyType {
            guard let parsed = ProxyProtocol(spelling: text) else {
                throw NetcatUsageError("proxy protocol invalid: \(text) (4, 5, connect; socks4, socks5, http)")
            }
            kind = parsed
        }
        let (host, port) = try ProxySpec.address(address, kind: kind)
        var spec = ProxySpec(host: host, port: port, kind: kind)
        // nc's -X 4 resolves the name itself; SOCKS4a is ncat's way.
        if kind == .socks4 && proxyProtocol != nil { spec.dns = .local }
        if let proxyDNS {
            guard let dns = ProxyDNS(rawValue: proxyDNS) else {
                throw NetcatUsageError("--proxy-dns invalid: \(proxyDNS) (local, remote, both, none)")
            }
            spec.dns = dns
        }
        if let proxyUser {
            if proxyUser.isEmpty { throw NetcatUsageError("-P needs a user name") }
            spec.user = proxyUser
        }
        if let proxyAuth {
            let parts = proxyAuth.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0].isEmpty { throw NetcatUsageError("--proxy-auth needs USER[:PASS]") }
            spec.user = String(parts[0])
            if parts.count == 2 {
                if kind == .socks4 { throw NetcatUsageError("--proxy-auth with SOCKS4 takes a user name only") }
                spec.password = String(parts[1])
            }
        }
        return spec
    }
}
