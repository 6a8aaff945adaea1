import COpenSSL
import Glibc

/// A private key (`EVP_PKEY`), freed with `EVP_PKEY_free(3)` when the last
/// reference goes. Immutable after creation.
package final class TLSPrivateKey: @unchecked Sendable {
    // @unchecked: the key is never changed after init, and OpenSSL 3 allows
    // concurrent read-only use of an EVP_PKEY.
    let handle: OpaquePointer

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        EVP_PKEY_free(handle)
    }

    /// A new EC P-256 key (`EVP_PKEY_Q_keygen(3)`), for a throwaway
    /// self-signed certificate: quick to make and accepted by every client.
    package static func generateP256() throws(TLSError) -> TLSPrivateKey {
        TLSError.clearQueue()
        guard let key = snc_generate_p256_key() else { throw .fromQueue("EVP_PKEY_Q_keygen") }
        return TLSPrivateKey(handle: key)
    }

    /// The first private key in a PEM file (`PEM_read_bio_PrivateKey(3)`);
    /// unreadable files and non-keys are one-line errors naming the file.
    package static func load(pemFile path: String) throws(TLSError) -> TLSPrivateKey {
        TLSError.clearQueue()
        guard let bio = BIO_new_file(path, "r") else {
            throw TLSError(call: "open \(path)", message: String(cString: strerror(errno)))
        }
        defer { BIO_free(bio) }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
            throw .fromQueue("read private key from \(path)", fallback: "no PEM private key found")
        }
        return TLSPrivateKey(handle: key)
    }
}
