import SNCSocket
import Glibc

extension Diagnostics {
    /// Writes one line to stderr as it is, without the "snc: " prefix: nc's
    /// `-v` messages ("Listening on 0.0.0.0 5555") carry no program name.
    static func writeLine(_ line: String) {
        var text = line + "\n"
        // stderr gone: nothing better to do with the message than to drop it.
        text.withUTF8 { utf8 in _ = try? Descriptor.writeAll(STDERR_FILENO, UnsafeRawBufferPointer(utf8)) }
    }
}
