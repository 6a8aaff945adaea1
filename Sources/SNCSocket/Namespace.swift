import CLinux
import Glibc

/// The private user + network namespace of `snc load --isolated`.
///
/// unshare(CLONE_NEWUSER) fails with EINVAL in a process with more than one
/// thread, and by the time a command runs the Swift runtime may have started
/// some. So the command re-executes this binary (`/proc/self/exe`) with
/// `SNC_ISOLATED_NAMESPACE=1` set; a C constructor (CLinuxNamespace.c) then
/// enters the namespaces before the runtime starts, maps the caller's uid and
/// gid to root inside and brings `lo` up, and this type reads what happened.
package enum PrivateNamespace {
    package enum State: Equatable {
        /// This process was not asked to enter a namespace.
        case outside
        /// This process runs in its own user and network namespace, `lo` up.
        case entered
        /// It was asked, and a call failed (unshare: EPERM when user namespaces are off, EINVAL, ENOSPC, ...).
        case failed(SyscallError)
    }

    package static var state: State {
        switch snc_namespace_state() {
        case 1: return .entered
        case -1: return .failed(SyscallError(String(cString: snc_namespace_failed_call()), code: snc_namespace_failed_errno()))
        default: return .outside
        }
    }

    /// Replaces this process with the same binary and arguments, asked to
    /// enter the namespaces first. Returns only by throwing.
    package static func reexecuteInside(arguments: [String]) throws(SyscallError) -> Never {
        setenv(snc_namespace_environment_key, "1", 1)
        let program = "/proc/self/exe"
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        execv(program, &pointers)
        let code = errno
        for pointer in pointers { free(pointer) }
        unsetenv(snc_namespace_environment_key)
        throw SyscallError("execv \(program)", code: code)
    }
}
