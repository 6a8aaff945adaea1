import SNCSocket

/// `-z`: connects to each port and closes again, sending nothing. Under
/// `-v` it reports every port, open ("succeeded!") or not (nc's failure line).
/// Succeeds if any port was open.
struct Scanner {
    let options: ConnectOptions
    let reporter: Reporter

    func run() throws(NetcatError) {
        guard case .internet(let host, let ranges) = options.endpoint else { return }
        let connector = Connector(options: options, reporter: reporter)
        var anyOpen = false
        for range in ranges {
            for port in range.ports {
                do {
                    _ = try connector.connect(host: host, port: port)
                    anyOpen = true
                } catch {
                    if case .unknownHost = error { throw error }
                    reporter.warning(error.description, verboseOnly: true)
                }
            }
        }
        if !anyOpen { throw .noOpenPort }
    }
}
