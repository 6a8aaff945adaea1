/// What logged a session in, kept so that extra sessions (`--sessions N`)
/// can log in the same way without asking the user again. Held in memory
/// only, never logged.
package enum Credential: Sendable {
    case none
    case agent(publicKeyBlob: [UInt8])
    case identityFile(path: String, publicKeyPath: String?, passphrase: String?)
    case password(String)
    case keyboardInteractive(answers: [[String]])
}
