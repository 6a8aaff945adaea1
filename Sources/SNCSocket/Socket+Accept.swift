import CLinux
import Glibc

extension Socket {
    /// The shape of `accept4(2)`, so tests can put a scripted call in its place.
    package typealias AcceptCall = (CInt, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>, CInt) -> CInt

    /// Wraps `accept4(2)`; the new socket is close-on-exec (and non-blocking
    /// when asked). EINTR is retried; EAGAIN and the failures every server
    /// answers alike come back as an `AcceptOutcome`, others are thrown.
    package func accept(nonBlocking: Bool = false, call: AcceptCall = snc_accept4) throws(SyscallError) -> AcceptOutcome {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let flags = CInt(SOCK_CLOEXEC.rawValue) | (nonBlocking ? CInt(SOCK_NONBLOCK.rawValue) : 0)
        let listener = descriptor
        let result: IOResult<CInt>
        do {
            result = try withUnsafeMutablePointer(to: &storage) { storagePointer throws(SyscallError) in
                try storagePointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(SyscallError) in
                    try retryingNonBlocking("accept") { call(listener, address, &length, flags) }
                }
            }
        } catch {
            switch AcceptOutcome.kind(of: error) {
            case .clientGone: return .clientGone
            case .outOfDescriptors: return .outOfDescriptors(error)
            case nil: throw error
            }
        }
        guard case .done(let fd) = result else { return .none }
        let peer = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(copying: $0, length: length) }
        }
        return .accepted(Accepted(socket: Socket(adopting: fd), peer: peer))
    }
}
