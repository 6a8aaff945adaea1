import CLinux
import Glibc

/// The master side of a pseudo-terminal (posix_openpt(3), grantpt,
/// unlockpt) for a program that expects a terminal. The child opens the
/// slave by path; the owner relays between the master and its peer, since
/// a pty is not a socket and cannot be handed a connection directly.
package struct PseudoTerminal: ~Copyable {
    /// The master descriptor (close-on-exec, non-blocking), owned here.
    package let master: CInt
    /// The slave's path, such as /dev/pts/3.
    package let slavePath: String

    /// A terminal of the usual 24 x 80, so full-screen programs have a size to work with.
    package init(rows: UInt16 = 24, columns: UInt16 = 80) throws(SyscallError) {
        var path = [CChar](repeating: 0, count: 128)
        let descriptor = snc_open_pseudo_terminal(&path, path.count, rows, columns)
        if descriptor == -1 { throw SyscallError("posix_openpt", code: errno) }
        let flags = fcntl(descriptor, F_GETFL)
        if flags == -1 || fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == -1 {
            let failure = SyscallError("fcntl", code: errno)
            _ = Glibc.close(descriptor)
            throw failure
        }
        master = descriptor
        slavePath = String(decoding: path.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        // Closing the master hangs up the slave: the program gets SIGHUP if still running.
        _ = Glibc.close(master)
    }

    /// The byte that ends the program's input (VEOF, ^D) while the terminal
    /// is in canonical mode; nil in raw mode, where no byte means that.
    package var endOfInputCharacter: UInt8? {
        Self.endOfInputCharacter(master: master)
    }

    /// The same for a master descriptor borrowed from its owner, read anew
    /// on each call because the program may switch modes at any time.
    package static func endOfInputCharacter(master: CInt) -> UInt8? {
        let character = snc_terminal_eof_character(master)
        return character < 0 ? nil : UInt8(truncatingIfNeeded: character)
    }
}
