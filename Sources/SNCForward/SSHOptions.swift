/// The ssh_config(5) settings snc understands, as gathered for one host
/// from the command line (`-o`, `-p`, `-l`, `-i`, `-L`) and the config files.
/// A nil field was never set; the first value set wins, as in OpenSSH,
/// except IdentityFile and the forwards, which accumulate.
package struct SSHOptions: Sendable, Equatable {
    package var hostName: String?
    package var user: String?
    package var port: UInt16?
    package var identityFiles: [String] = []
    package var identitiesOnly: Bool?
    package var userKnownHostsFiles: [String]?
    package var strictHostKeyChecking: StrictHostKeyChecking?
    package var batchMode: Bool?
    package var connectTimeout: Int?
    package var serverAliveInterval: Int?
    package var serverAliveCountMax: Int?
    package var localForwards: [ForwardSpec] = []
    package var remoteForwards: [ForwardSpec] = []
    package var dynamicForwards: [DynamicForwardSpec] = []
    package var hashKnownHosts: Bool?
    package var globalKnownHostsFiles: [String]?
    package var hostKeyAlias: String?
    package var checkHostIP: Bool?
    package var identityAgent: String?
    /// Ciphers / MACs as plain comma lists (libssh2 takes no +, - or ^ edits).
    package var ciphers: String?
    package var macs: String?
    package var numberOfPasswordPrompts: Int?
    /// Keywords snc cannot honour, first value per slot, in file order
    /// (`UnsupportedKeyword`); refused unless the value means "off".
    package var unsupportedSettings: [UnsupportedSetting] = []

    package init() {}
}

/// A config line snc could not accept, worded like ssh's
/// ("FILE line N: Bad yes/no argument 'x'.").
package struct ConfigError: Error, Sendable, CustomStringConvertible {
    package let source: String
    package let line: Int
    package let message: String

    /// One line, whatever bytes the file or value held.
    package var description: String {
        if line > 0 { return CommandLineNames.oneLine("\(source) line \(line): \(message)") }
        return CommandLineNames.oneLine(source.isEmpty ? message : "\(source): \(message)")
    }
}
