import COpenSSL
import Glibc

/// An X.509 certificate (`X509`), freed with `X509_free(3)` when the last
/// reference goes. Immutable after creation.
package final class TLSCertificate: @unchecked Sendable {
    // @unchecked: never changed after init; OpenSSL allows concurrent reads.
    let handle: OpaquePointer

    /// Takes ownership of one reference to `handle`.
    init(owning handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        X509_free(handle)
    }

    /// A self-signed certificate for `key`, valid from an hour ago for a
    /// year, with `commonName` as subject and issuer: what a listener
    /// without `--ssl-cert` presents (as ncat does). The client pins it by
    /// its fingerprint, or skips verification.
    package static func selfSigned(key: TLSPrivateKey, commonName: String) throws(TLSError) -> TLSCertificate {
        TLSError.clearQueue()
        guard let certificate = X509_new() else { throw .fromQueue("X509_new") }
        let owned = TLSCertificate(owning: certificate)
        var serial = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&serial, CInt(serial.count)) == 1 else { throw .fromQueue("RAND_bytes") }
        serial[0] &= 0x7F // a positive serial number, as RFC 5280 asks
        guard X509_set_version(certificate, 2) == 1,
              let serialNumber = BN_bin2bn(serial, CInt(serial.count), nil) else { throw .fromQueue("X509_set_version") }
        defer { BN_free(serialNumber) }
        guard BN_to_ASN1_INTEGER(serialNumber, X509_get_serialNumber(certificate)) != nil,
              X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) != nil,
              X509_gmtime_adj(X509_getm_notAfter(certificate), 365 * 24 * 3600) != nil,
              X509_set_pubkey(certificate, key.handle) == 1 else { throw .fromQueue("X509 fields") }
        guard let name = X509_get_subject_name(certificate),
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonName, -1, -1, 0) == 1,
              X509_set_issuer_name(certificate, name) == 1 else { throw .fromQueue("X509_NAME_add_entry_by_txt") }
        guard X509_sign(certificate, key.handle, EVP_sha256()) > 0 else { throw .fromQueue("X509_sign") }
        return owned
    }

    /// SHA-256 of the DER encoding (`X509_digest(3)`): what `openssl x509
    /// -fingerprint -sha256` and `--ssl-fingerprint` compare.
    package var sha256: [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: CUnsignedInt = 0
        guard X509_digest(handle, EVP_sha256(), &digest, &length) == 1 else { return [] }
        return Array(digest.prefix(Int(length)))
    }

    /// The subject as one line in RFC 2253 order ("CN=localhost,O=Lab").
    package var subject: String {
        guard let name = X509_get_subject_name(handle), let bio = BIO_new(BIO_s_mem()) else { return "?" }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, name, 0, snc_XN_FLAG_RFC2253()) >= 0 else { return "?" }
        var text: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &text)
        guard let text, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: text, count: Int(length)), as: UTF8.self)
    }
}
