import SNCSSH
import SNCSocket

/// Why `snc forward` (or a stdio tunnel) stopped. Each case words its message
/// the way ssh does where users know ssh's words.
package enum ForwardError: Error, Sendable, CustomStringConvertible {
    /// Bad command line or config file (exit 64).
    case usage(String)
    /// A local listener could not be set up; nothing was authenticated yet.
    case bind(address: String, error: SyscallError)
    case resolve(ResolveError)
    /// TCP connect to the SSH server failed.
    case connect(host: String, port: UInt16, error: SyscallError)
    case connectTimeout(host: String, port: UInt16)
    /// The SSH handshake (banner, key exchange) failed.
    case handshake(host: String, error: SSHError)
    /// The host key was refused; the banner explaining why is already printed.
    case hostKeyVerificationFailed
    /// Every authentication method failed.
    case permissionDenied(user: String, host: String, methods: [String])
    /// The connection to the SSH server broke while forwarding.
    case connectionLost(host: String, reason: String)
    /// No reply from the server within ServerAliveInterval × ServerAliveCountMax.
    case serverSilent(host: String, seconds: Int)
    /// A direct-tcpip channel (for -W) was refused.
    case channelOpenFailed(target: String, reason: String)
    /// The server refused a `-R` listen (reason nil: it just said no).
    case remoteForwardFailed(port: UInt16, reason: String?)
    case system(SyscallError)
    case ssh(SSHError)
    /// Reaching the destination through jump host `hop` failed: at the jump
    /// host itself, or when it opened the channel onward.
    indirect case jumpHost(hop: String, error: ForwardError)

    package var description: String {
        switch self {
        case .usage(let message): message
        case .bind(let address, let error): "bind \(address): \(error.errno.description)"
        case .resolve(let error): "Could not resolve hostname \(error.host): \(error.message)"
        case .connect(let host, let port, let error): "connect to host \(host) port \(port): \(error.errno.description)"
        case .connectTimeout(let host, let port): "connect to host \(host) port \(port): Connection timed out"
        case .handshake(let host, let error): "handshake with \(host) failed: \(error.reason)"
        case .hostKeyVerificationFailed: "Host key verification failed."
        case .permissionDenied(let user, let host, let methods):
            "\(user)@\(host): Permission denied (\(methods.joined(separator: ",")))."
        case .connectionLost(let host, let reason): "Connection to \(host) closed by remote host (\(reason))."
        case .serverSilent(let host, let seconds): "Timeout, server \(host) not responding (no reply for \(seconds)s)."
        case .channelOpenFailed(let target, let reason): "channel open to \(target) failed: \(reason)"
        case .remoteForwardFailed(let port, let reason):
            "remote port forwarding failed for listen port \(port)" + (reason.map { " (\($0))" } ?? "")
        case .system(let error): error.description
        case .ssh(let error): error.description
        case .jumpHost(let hop, let error): "jump host \(hop): \(error.description)"
        }
    }
}
