import CLibSSH2
import SNCSocket

/// libssh2's process-wide set-up. `libssh2_init` is not thread-safe, so it
/// runs exactly once, through a `static let` (which Swift initialises once,
/// atomically), before the first session is created.
enum SSHLibrary {
    static let initialized: Bool = {
        // libssh2 1.10 allocates every packet it receives (up to 32 KiB) and
        // frees it once read. With glibc's default 128 KiB trim threshold the
        // heap's top shrank and grew again with them: receiving through `-R` or
        // an `-L` download cost about 180 page faults per MiB and more CPU per
        // byte than sending. Keeping up to 64 MiB of freed memory brings that
        // to a few per MiB; snc's own buffers are fixed, so the heap holds no
        // more than libssh2's packets in flight.
        HeapTuning.keepFreedMemory(upTo: 64 << 20)
        return libssh2_init(0) == 0
    }()

    /// The libssh2 version snc runs against, e.g. "1.10.0" (`libssh2_version`).
    static var version: String {
        guard let text = libssh2_version(0) else { return "?" }
        return String(cString: text)
    }
}

/// The libssh2 version snc is linked with, for `-v` and error messages.
package var libssh2Version: String { SSHLibrary.version }
