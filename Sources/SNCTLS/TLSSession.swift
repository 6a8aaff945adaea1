import COpenSSL
import Glibc

/// One TLS connection (`SSL`) over a borrowed socket descriptor, freed with
/// `SSL_free(3)`. It keeps its `TLSContext` alive, so the context is freed last.
/// The socket must be non-blocking; every call returns WANT_READ/WANT_WRITE
/// as a `TLSProgress` state instead of blocking.
package final class TLSSession {
    package let context: TLSContext
    let handle: OpaquePointer
    /// Set by OpenSSL's message callback when the peer's close_notify is
    /// read: with unexpected EOFs ignored, the only way to tell a clean end
    /// from a truncation. Allocated here, freed after the `SSL` in `deinit`.
    private let closeNotifyReceived: UnsafeMutablePointer<CInt>

    /// Wraps `SSL_new(3)` and `SSL_set_fd(3)`; `descriptor` stays its owner's.
    package init(context: TLSContext, descriptor: CInt, isServer: Bool) throws(TLSError) {
        TLSError.clearQueue()
        guard let ssl = SSL_new(context.handle) else { throw .fromQueue("SSL_new") }
        self.context = context
        handle = ssl
        closeNotifyReceived = .allocate(capacity: 1)
        closeNotifyReceived.initialize(to: 0)
        snc_SSL_watch_close_notify(ssl, closeNotifyReceived)
        guard SSL_set_fd(ssl, descriptor) == 1 else { throw .fromQueue("SSL_set_fd") }
        if isServer { SSL_set_accept_state(ssl) } else { SSL_set_connect_state(ssl) }
    }

    deinit {
        SSL_free(handle)
        closeNotifyReceived.deallocate()
    }

    /// The name the server's certificate must carry (`SSL_set1_host(3)`, or
    /// the IP address for an address literal) and the name sent as SNI
    /// (never an address literal, RFC 6066).
    package func expectServer(named name: String) throws(TLSError) {
        TLSError.clearQueue()
        if Self.isAddressLiteral(name) {
            guard let parameters = SSL_get0_param(handle), X509_VERIFY_PARAM_set1_ip_asc(parameters, name) == 1 else {
                throw .fromQueue("X509_VERIFY_PARAM_set1_ip_asc")
            }
            return
        }
        guard snc_SSL_set_tlsext_host_name(handle, name) == 1 else { throw .fromQueue("SSL_set_tlsext_host_name") }
        if case .chain = context.peerCheck {
            guard SSL_set1_host(handle, name) == 1 else { throw .fromQueue("SSL_set1_host") }
        }
    }

    static func isAddressLiteral(_ name: String) -> Bool {
        var scratch = in6_addr()
        return inet_pton(AF_INET, name, &scratch) == 1 || inet_pton(AF_INET6, name, &scratch) == 1
    }

    /// One step of the handshake (`SSL_do_handshake(3)`). A verification
    /// failure names the reason (`X509_verify_cert_error_string(3)`).
    package func handshake() throws(TLSError) -> TLSProgress {
        TLSError.clearQueue()
        let result = SSL_do_handshake(handle)
        if result == 1 { return .done }
        let code = SSL_get_error(handle, result)
        if let progress = Self.progress(code) { return progress }
        // Only a verifying client's result explains a failure; with
        // SSL_VERIFY_NONE it is recorded but was not the cause.
        let verification = SSL_get_verify_result(handle)
        if case .chain = context.peerCheck, verification != X509_V_OK {
            TLSError.clearQueue()
            let reason = String(cString: X509_verify_cert_error_string(verification))
            throw TLSError(call: "certificate verify failed", message: reason)
        }
        throw failure("handshake", code: code, peerClosedMessage: "the peer closed the connection during the handshake")
    }

    /// Wraps `SSL_read(3)`: at most one record's data per call.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(TLSError) -> TLSReadResult {
        TLSError.clearQueue()
        errno = 0 // an EOF without close_notify leaves it 0 (SSL_ERROR_SYSCALL)
        let result = SSL_read(handle, buffer.baseAddress, CInt(clamping: buffer.count))
        if result > 0 { return .bytes(Int(result)) }
        let code = SSL_get_error(handle, result)
        if let progress = Self.progress(code) { return .blocked(progress) }
        if code == SSL_ERROR_ZERO_RETURN { return closeNotifyReceived.pointee != 0 ? .closed : .truncated }
        if code == SSL_ERROR_SSL, snc_is_unexpected_eof(ERR_peek_error()) != 0 {
            TLSError.clearQueue()
            return .truncated
        }
        if code == SSL_ERROR_SYSCALL, ERR_peek_error() == 0, errno == 0 { return .truncated }
        throw failure("read", code: code, peerClosedMessage: "connection closed")
    }

    /// Wraps `SSL_write(3)`; with partial writes on, takes what fits.
    package func write(_ buffer: UnsafeRawBufferPointer) throws(TLSError) -> TLSWriteResult {
        TLSError.clearQueue()
        let result = SSL_write(handle, buffer.baseAddress, CInt(clamping: buffer.count))
        if result > 0 { return .bytes(Int(result)) }
        let code = SSL_get_error(handle, result)
        if let progress = Self.progress(code) { return .blocked(progress) }
        throw failure("write", code: code, peerClosedMessage: "connection closed")
    }

    /// Sends close_notify (`SSL_shutdown(3)`): TLS's end of data, the way
    /// shutdown(SHUT_WR) is TCP's. Reading goes on afterwards.
    package func sendCloseNotify() throws(TLSError) -> TLSProgress {
        TLSError.clearQueue()
        let result = SSL_shutdown(handle)
        if result >= 0 { return .done }
        let code = SSL_get_error(handle, result)
        if let progress = Self.progress(code) { return progress }
        throw failure("shutdown", code: code, peerClosedMessage: "connection closed")
    }

    /// Whether decrypted or read-ahead bytes wait inside OpenSSL, which
    /// poll(2) on the socket cannot see (`SSL_has_pending(3)`).
    package var hasPending: Bool { SSL_has_pending(handle) == 1 }

    /// "TLSv1.3".
    package var protocolVersion: String { String(cString: SSL_get_version(handle)) }

    /// "TLS_AES_256_GCM_SHA384".
    package var cipher: String {
        guard let cipher = SSL_get_current_cipher(handle), let name = SSL_CIPHER_get_name(cipher) else { return "none" }
        return String(cString: name)
    }

    /// The protocol the server chose from `--ssl-alpn`, if any.
    package var alpnProtocol: String? {
        var data: UnsafePointer<UInt8>?
        var length: CUnsignedInt = 0
        SSL_get0_alpn_selected(handle, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// The peer's certificate (`SSL_get1_peer_certificate(3)`), if it sent one.
    package var peerCertificate: TLSCertificate? {
        SSL_get1_peer_certificate(handle).map { TLSCertificate(owning: $0) }
    }

    private static func progress(_ code: CInt) -> TLSProgress? {
        switch code {
        case SSL_ERROR_WANT_READ: .wantsRead
        case SSL_ERROR_WANT_WRITE: .wantsWrite
        default: nil
        }
    }

    /// The error for a failed call: OpenSSL's reasons, else errno's words.
    private func failure(_ call: String, code: CInt, peerClosedMessage: String) -> TLSError {
        let saved = errno
        if let reasons = TLSError.drainQueue() { return TLSError(call: call, message: reasons) }
        if code == SSL_ERROR_SYSCALL, saved != 0 { return TLSError(call: call, message: String(cString: strerror(saved))) }
        return TLSError(call: call, message: peerClosedMessage)
    }
}
