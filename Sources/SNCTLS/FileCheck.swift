import Glibc

/// Opening a file named on the command line before OpenSSL does, so an
/// unreadable one is reported with errno's words ("Permission denied")
/// rather than OpenSSL's ("system lib").
enum FileCheck {
    static func readable(_ path: String, what: String) throws(TLSError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw TLSError(call: "\(what) \(path)", message: String(cString: strerror(errno)))
        }
        close(descriptor)
    }
}
