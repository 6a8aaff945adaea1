import Crypto
import SNCSSH

extension SSHHostKey {
    /// `SHA256:` and the unpadded base64 of the key's SHA-256, as ssh prints it.
    package var fingerprint: String {
        "SHA256:" + Base64.encode(Array(SHA256.hash(data: blob)), padded: false)
    }

    /// The key type as ssh names it in messages ("ED25519", "ECDSA", "RSA").
    package var displayType: String { KnownHostsEntry.displayType(of: algorithm) }
}
