/// Which failures `--reconnect` rides out, and how its log lines word them.
extension ForwardError {
    /// The link or the server went away (or is not back yet): worth another
    /// attempt. A refused host key or login, a refused `-R` and local
    /// trouble are not: trying again would fail the same way.
    var isTransient: Bool {
        switch self {
        case .connectionLost, .serverSilent, .connect, .connectTimeout, .handshake, .resolve, .ssh: true
        case .jumpHost(_, let error): error.isTransient
        default: false
        }
    }

    /// The reason alone, for "Connection to HOST port N lost: REASON".
    var lossReason: String {
        switch self {
        // libssh2's words alone ("transport read") do not say who ended it.
        case .connectionLost(_, let reason): "closed by remote host (\(reason))"
        case .serverSilent(_, let seconds): "server not responding (no reply for \(seconds)s)"
        case .connect(_, _, let error): error.errno.description
        case .connectTimeout: "Connection timed out"
        case .handshake(_, let error): error.reason
        case .resolve(let error): error.message
        case .jumpHost(let hop, let error): "jump host \(hop): \(error.lossReason)"
        default: description
        }
    }
}
