/// A listening socket that could not be set up: the address it was for
/// (callers name it in their messages) and the call that failed.
package struct ListenFailure: Error, Sendable {
    package let address: SocketAddress
    package let error: SyscallError
}
