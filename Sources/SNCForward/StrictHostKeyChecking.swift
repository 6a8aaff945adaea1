/// ssh_config's StrictHostKeyChecking, with OpenSSH's meanings.
package enum StrictHostKeyChecking: String, Sendable {
    /// Never add keys; refuse unknown and changed keys.
    case yes
    /// Add unknown keys without asking; refuse changed keys.
    case acceptNew = "accept-new"
    /// Add unknown keys without asking ("no" and "off"). A changed or
    /// revoked key lets the connection go on as in OpenSSH, without password
    /// logins and without port forwards: a stdio tunnel (`-W`, `--via`)
    /// works, `snc forward -L` stops.
    case no
    /// Ask on the terminal about unknown keys (OpenSSH's default).
    case ask

    /// Parses the values OpenSSH accepts (yes/true, no/false/off, accept-new, ask).
    package init?(configValue: String) {
        switch configValue.lowercased() {
        case "yes", "true": self = .yes
        case "no", "false", "off": self = .no
        case "accept-new": self = .acceptNew
        case "ask": self = .ask
        default: return nil
        }
    }

    /// How `ssh -G` prints it.
    package var configDescription: String {
        switch self {
        case .yes: "true"
        case .no: "false"
        case .acceptNew: "accept-new"
        case .ask: "ask"
        }
    }
}
