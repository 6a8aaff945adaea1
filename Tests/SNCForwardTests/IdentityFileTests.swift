import SNCForward
import Testing

/// Key files are bytes: CRLF line ends (a key copied through Windows) read as LF ones.
@Test func crlfPublicKeyFileAndPEMHeader() {
    let blob: [UInt8] = [0, 0, 0, 11] + Array("ssh-ed25519".utf8) + [0, 0, 0, 32] + [UInt8](repeating: 7, count: 32)
    let base64 = "AAAAC3NzaC1lZDI1NTE5AAAAIAcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH"
    let privateKey = Array("-----BEGIN RSA PRIVATE KEY-----\r\nProc-Type: 4,ENCRYPTED\r\n\r\nAAAA\r\n-----END RSA PRIVATE KEY-----\r\n".utf8)
    for publicKey in ["ssh-ed25519 \(base64)\r\n", "# comment\r\nssh-ed25519\t\(base64) me@host\r\n", "ssh-ed25519 \(base64)"] {
        let key = IdentityFile(path: "/k", contents: privateKey, publicKey: Array(publicKey.utf8))
        #expect(key.publicKeyBlob == blob)
        #expect(key.encrypted)
        #expect(key.publicKeyPath == "/k.pub")
        #expect(key.algorithm == "ssh-ed25519")
    }
    #expect(IdentityFile(path: "/k", contents: privateKey, publicKey: nil).publicKeyBlob == nil)
}
