import COpenSSL
import Glibc

/// A TLS configuration (`SSL_CTX`) shared by the sessions made from it,
/// freed with `SSL_CTX_free(3)` when the last session and owner let go.
/// Not changed after init.
package final class TLSContext: @unchecked Sendable {
    // @unchecked: configured completely in init and only read afterwards
    // (SSL_new), which OpenSSL allows from several threads.
    let handle: OpaquePointer
    /// What the client checks (nil on a server).
    package let peerCheck: TLSPeerCheck?

    /// Records up to 16 KiB, and OpenSSL reads up to this much from the
    /// socket at once (read-ahead), so bulk data costs few system calls.
    static let readBufferLength = 64 * 1024

    private init(method: OpaquePointer, peerCheck: TLSPeerCheck?) throws(TLSError) {
        TLSError.clearQueue()
        guard let context = SSL_CTX_new(method) else { throw .fromQueue("SSL_CTX_new") }
        handle = context
        self.peerCheck = peerCheck
        // TLS 1.0 and 1.1 are obsolete (RFC 8996).
        guard snc_SSL_CTX_set_min_proto_version(context, snc_TLS1_2_VERSION()) == 1 else {
            throw .fromQueue("SSL_CTX_set_min_proto_version")
        }
        // Partial writes let the relay hand over 256 KiB and learn what was
        // taken; the buffer may move between a WANT_WRITE and the retry.
        _ = snc_SSL_CTX_set_mode(context, snc_SSL_MODE_ENABLE_PARTIAL_WRITE() | snc_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER())
        snc_SSL_CTX_set_read_ahead(context, 1)
        // A peer's TCP end without close_notify must not fail our writes (see the shim).
        _ = SSL_CTX_set_options(context, snc_SSL_OP_IGNORE_UNEXPECTED_EOF())
        SSL_CTX_set_default_read_buffer_len(context, Self.readBufferLength)
    }

    deinit {
        SSL_CTX_free(handle)
    }

    /// A client configuration (`TLS_client_method(3)`).
    /// - Parameter alpn: protocol names to offer (`--ssl-alpn h2,http/1.1`).
    package static func client(check: TLSPeerCheck, alpn: [String] = []) throws(TLSError) -> TLSContext {
        let context = try TLSContext(method: TLS_client_method(), peerCheck: check)
        switch check {
        case .chain(let trustFile):
            if let trustFile {
                try FileCheck.readable(trustFile, what: "--ssl-trustfile")
                guard SSL_CTX_load_verify_locations(context.handle, trustFile, nil) == 1 else {
                    throw TLSError(call: "--ssl-trustfile \(trustFile)", message: "no PEM certificates (\(TLSError.drainQueue() ?? "none found"))")
                }
            } else if SSL_CTX_set_default_verify_paths(context.handle) != 1 {
                throw .fromQueue("SSL_CTX_set_default_verify_paths")
            }
            SSL_CTX_set_verify(context.handle, SSL_VERIFY_PEER, nil)
        case .pinned, .none:
            // A pinned certificate is compared after the handshake, before any data moves.
            SSL_CTX_set_verify(context.handle, SSL_VERIFY_NONE, nil)
        }
        if !alpn.isEmpty {
            // The wire format: each name prefixed by its length (RFC 7301).
            var wire: [UInt8] = []
            for name in alpn {
                let bytes = Array(name.utf8)
                guard !bytes.isEmpty, bytes.count < 256 else {
                    throw TLSError(call: "ALPN", message: "protocol name must be 1 to 255 bytes: \"\(name)\"")
                }
                wire.append(UInt8(bytes.count))
                wire += bytes
            }
            // Returns 0 on success, unlike most of OpenSSL.
            guard SSL_CTX_set_alpn_protos(context.handle, wire, CUnsignedInt(wire.count)) == 0 else {
                throw .fromQueue("SSL_CTX_set_alpn_protos")
            }
        }
        return context
    }

    /// A server configuration presenting the certificate chain in
    /// `certificateFile` with the key in `keyFile` (both PEM); a key that does
    /// not belong to the certificate is refused here (`SSL_CTX_check_private_key(3)`).
    package static func server(certificateFile: String, keyFile: String) throws(TLSError) -> TLSContext {
        let context = try TLSContext(method: TLS_server_method(), peerCheck: nil)
        try FileCheck.readable(certificateFile, what: "--ssl-cert")
        try FileCheck.readable(keyFile, what: "--ssl-key")
        guard SSL_CTX_use_certificate_chain_file(context.handle, certificateFile) == 1 else {
            throw TLSError(call: "--ssl-cert \(certificateFile)", message: "not a PEM certificate (\(TLSError.drainQueue() ?? "none found"))")
        }
        guard SSL_CTX_use_PrivateKey_file(context.handle, keyFile, SSL_FILETYPE_PEM) == 1 else {
            let reason = TLSError.drainQueue() ?? "no PEM private key found"
            if reason.contains("values mismatch") || reason.contains("key values mismatch") {
                throw TLSError(call: "--ssl-key \(keyFile)", message: "does not match the certificate in \(certificateFile)")
            }
            throw TLSError(call: "--ssl-key \(keyFile)", message: "not a PEM private key (\(reason))")
        }
        guard SSL_CTX_check_private_key(context.handle) == 1 else {
            TLSError.clearQueue()
            throw TLSError(call: "--ssl-key \(keyFile)", message: "does not match the certificate in \(certificateFile)")
        }
        return context
    }

    /// A server configuration presenting `certificate` (a throwaway self-signed one).
    package static func server(certificate: TLSCertificate, key: TLSPrivateKey) throws(TLSError) -> TLSContext {
        let context = try TLSContext(method: TLS_server_method(), peerCheck: nil)
        guard SSL_CTX_use_certificate(context.handle, certificate.handle) == 1,
              SSL_CTX_use_PrivateKey(context.handle, key.handle) == 1,
              SSL_CTX_check_private_key(context.handle) == 1 else { throw .fromQueue("SSL_CTX_use_certificate") }
        return context
    }
}
