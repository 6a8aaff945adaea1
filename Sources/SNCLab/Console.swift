import Synchronization
import Glibc

/// Whole lines to stdout and stderr with write(2), unbuffered, so that
/// nothing is lost or interleaved when the process exits or threads race.
package enum Console {
    private static let lock = Mutex<Void>(())

    package static func output(_ line: String) { write(STDOUT_FILENO, line.hasSuffix("\n") ? line : line + "\n") }
    package static func error(_ line: String) { write(STDERR_FILENO, line.hasSuffix("\n") ? line : line + "\n") }

    /// Writes text as is (no newline added), e.g. a progress line ending in "\r".
    package static func write(_ descriptor: CInt, _ text: String) {
        var bytes = Array(text.utf8)
        lock.withLock { _ in
            bytes.withUnsafeMutableBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written == -1 && errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }

    /// Whether stderr is a terminal (`isatty(3)`), for the live progress line.
    package static var errorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
