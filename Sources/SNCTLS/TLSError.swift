import COpenSSL
import Glibc

/// An OpenSSL call that failed: which call, and OpenSSL's own words for why
/// (the error queue, `ERR_get_error(3)` / `ERR_error_string_n(3)`), or the
/// errno of a failed system call underneath.
package struct TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    package let call: String
    package let message: String

    package init(call: String, message: String) {
        self.call = call
        self.message = message
    }

    /// Takes (and empties) OpenSSL's error queue for this thread; `fallback`
    /// when the queue is empty.
    package static func fromQueue(_ call: String, fallback: String = "failed") -> TLSError {
        TLSError(call: call, message: drainQueue() ?? fallback)
    }

    /// The reasons on the error queue, oldest first, joined with "; ", or nil.
    /// Only the reason part is kept ("certificate verify failed"): the
    /// library and function names are noise on a one-line error.
    static func drainQueue() -> String? {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) {
                let text = String(cString: reason)
                if !reasons.contains(text) { reasons.append(text) }
            } else {
                var buffer = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &buffer, buffer.count)
                reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// Empties the error queue, so a later failure reports only its own reasons.
    static func clearQueue() {
        ERR_clear_error()
    }

    package var description: String { "\(call): \(message)" }
}
