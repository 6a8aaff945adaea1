import SystemPackage

/// A system call that failed: which call, and the errno it left behind.
///
/// Prints the way `err(3)` does ("connect: Connection refused"), so the
/// command line can show it as one line without further formatting.
package struct SyscallError: Error, Equatable, Sendable, CustomStringConvertible {
    package let call: String
    package let errno: Errno

    package init(_ call: String, errno: Errno) {
        self.call = call
        self.errno = errno
    }

    package init(_ call: String, code: CInt) {
        self.init(call, errno: Errno(rawValue: code))
    }

    package var description: String { "\(call): \(errno.description)" }
}
