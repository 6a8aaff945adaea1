import CLibSSH2

/// libssh2's process-wide set-up. `libssh2_init` is not thread-safe, so it
/// runs exactly once, through a `static let` (which Swift initialises once,
/// atomically), before the first session is created.
enum SSHLibrary {
    static let initialized: Bool = libssh2_init(0) == 0

    /// The libssh2 version snc runs against, e.g. "1.10.0" (`libssh2_version`).
    static var version: String {
        guard let text = libssh2_version(0) else { return "?" }
        return String(cString: text)
    }
}

/// The libssh2 version snc is linked with, for `-v` and error messages.
package var libssh2Version: String { SSHLibrary.version }
