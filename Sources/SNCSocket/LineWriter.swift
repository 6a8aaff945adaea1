import Synchronization
import Glibc

/// The one way snc's messages reach stderr (and the lab's reports stdout):
/// whole lines, unbuffered, so nothing is lost when the process exits.
///
/// Each call hands its text to one write(2) under a process-wide lock: a
/// short write (a full pipe, a signal) finishes before any other thread's
/// line starts, so lines from thousands of threads never interleave. The
/// command line gives a writer to each feature; features never pick a
/// descriptor themselves.
package struct LineWriter: Sendable {
    package let descriptor: CInt

    package init(descriptor: CInt) {
        self.descriptor = descriptor
    }

    package static let standardError = LineWriter(descriptor: STDERR_FILENO)
    package static let standardOutput = LineWriter(descriptor: STDOUT_FILENO)

    /// One lock for every descriptor: stdout and stderr often share a terminal.
    private static let lock = Mutex<Void>(())

    /// Writes one line, adding the newline unless `line` ends in one.
    package func line(_ line: String) {
        write(line.utf8.last == 0x0A ? line : line + "\n")
    }

    /// Writes `text` as it is (several lines, or a progress line ending in "\r").
    package func write(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            Self.lock.withLock { _ in
                // stderr or stdout gone: nothing better to do with the text than to drop it.
                _ = try? Descriptor.writeAll(descriptor, UnsafeRawBufferPointer(utf8))
            }
        }
    }
}
