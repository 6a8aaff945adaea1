/// How a connect with a deadline failed: the deadline passed first (nc's
/// `-w`, which callers word differently from a refusal), or connect(2)
/// itself failed.
package enum ConnectFailure: Error {
    case timedOut
    case failed(SyscallError)
}
