import SystemPackage
import SNCSocket

/// A netcat session that failed, with what it was doing; worded like
/// netcat-openbsd's messages (without the "snc: " prefix the command adds).
package enum NetcatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// getaddrinfo(3) found nothing for the host.
    case unknownHost(host: String, port: String, reason: String)
    /// connect(2) failed; `target` is "name (address)" or the address.
    case connectFailed(target: String, port: String, transport: Transport, error: SyscallError)
    /// No answer within `-w`; nc words it "timed out: Operation now in progress".
    case connectTimedOut(target: String, port: String, transport: Transport)
    /// connect(2) on a Unix-domain socket failed.
    case unixConnectFailed(path: String, error: SyscallError)
    /// bind(2) (or listen(2)) failed: address in use, permission denied...
    case bindFailed(address: String, port: String, transport: Transport, error: SyscallError)
    /// bind(2) on a Unix-domain path failed.
    case unixBindFailed(path: String, error: SyscallError)
    /// The peer reset or aborted the connection; everything received before was written out.
    case connectionLost(peer: String, error: SyscallError)
    /// `--idle-timeout` passed with no data in either direction.
    case idleTimeout(seconds: Double)
    /// Reading stdin or writing stdout failed (not a closed pipe, which ends quietly).
    case localStream(name: String, error: SyscallError)
    /// A log file from `--output` or `--hex-dump` could not be opened or written.
    case logFile(path: String, error: SyscallError)
    /// A `-z` scan found no open port: exit 1 with nothing more to say, as nc.
    case noOpenPort
    /// Any other system call failure (socket, poll...).
    case system(SyscallError)
    /// `-x`/`--proxy`: the proxy could not be reached or would not connect.
    case proxy(ProxyError)
    /// `--verify` found the data truncated, altered or unframed.
    case verifyFailed(VerifyFailure)
    /// `--ssl`: setting up TLS, its handshake or a TLS session failed (`TLSFailure` words it).
    case tls(String)

    package var description: String {
        switch self {
        case .unknownHost(let host, let port, let reason):
            "getaddrinfo for host \"\(host)\" port \(port): \(reason)"
        case .connectFailed(let target, let port, let transport, let error):
            "connect to \(target) port \(port) (\(transport.rawValue)) failed: \(error.errno.description)"
        case .connectTimedOut(let target, let port, let transport):
            "connect to \(target) port \(port) (\(transport.rawValue)) timed out: Operation now in progress"
        case .unixConnectFailed(let path, let error):
            "connect to \(path) (unix) failed: \(error.errno.description)"
        case .bindFailed(let address, let port, let transport, let error):
            "\(Self.action(error.call)) \(address) port \(port) (\(transport.rawValue)) failed: \(error.errno.description)"
        case .unixBindFailed(let path, let error):
            "\(Self.action(error.call)) \(path) (unix) failed: \(error.errno.description)"
        case .connectionLost(let peer, let error):
            "connection with \(peer) lost: \(error.errno.description)"
        case .idleTimeout(let seconds):
            "idle timeout expired (\(Int((seconds * 1000).rounded())) ms)"
        case .localStream(let name, let error):
            "\(error.call) on \(name) failed: \(error.errno.description)"
        case .logFile(let path, let error):
            "\(error.call) \(path): \(error.errno.description)"
        case .noOpenPort:
            ""
        case .system(let error):
            error.description
        case .proxy(let error):
            error.description
        case .verifyFailed(let failure):
            failure.description
        case .tls(let message):
            message
        }
    }

    /// "bind to", "listen on", "socket on": the call that failed, worded like nc's "connect to".
    private static func action(_ call: String) -> String {
        call == "bind" ? "bind to" : "\(call) on"
    }
}
