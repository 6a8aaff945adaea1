import Glibc

/// A name lookup that failed, with getaddrinfo's own explanation.
package struct ResolveError: Error, Equatable, Sendable, CustomStringConvertible {
    package let host: String
    package let code: CInt
    /// For EAI_SYSTEM, the errno behind it.
    package let systemErrno: CInt

    package var message: String {
        if code == EAI_SYSTEM { return String(cString: strerror(systemErrno)) }
        return String(cString: gai_strerror(code))
    }

    /// Worded like netcat-openbsd: "getaddrinfo for host "x" port 80: Name or service not known".
    package var description: String { "\(host): \(message)" }
}
