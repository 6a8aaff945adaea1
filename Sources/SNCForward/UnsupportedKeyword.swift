/// ssh_config keywords that change where or how ssh connects (or what it
/// forwards) and that snc does not implement. Ignoring one would connect
/// somewhere else, or in another way, than the user asked for, so snc
/// refuses to go on when one of them applies to the host with a value that
/// does anything; the values that mean "off" (`ProxyJump none`,
/// `ControlMaster no`, ...) are accepted, as ssh accepts them.
package enum UnsupportedKeyword {
    /// How one keyword is stored and which of its values mean "off".
    struct Rule {
        /// ssh_config(5)'s spelling, for messages.
        let name: String
        /// Where "first value wins" is kept (the lowercased keyword).
        let slot: String
        /// Whether ssh takes the value as written rather than as words.
        let raw: Bool
        /// The accepted values; nil = any value.
        let values: Set<String>?
        /// The values that leave ssh's behaviour as snc's; empty = none does.
        let off: Set<String>
        /// Slots whose earlier value stops this keyword, as in OpenSSH 9.2:
        /// any ProxyCommand (even `none`) stops a later ProxyJump, a
        /// ProxyJump to a host stops a later ProxyCommand, `ProxyJump none` does not.
        var blockedBy: [String: Bool] = [:]
    }

    /// Keywords kept here for their shared "first value wins" slots and
    /// read by `HostConfiguration`, which snc implements: never refused.
    static let implemented: Set<String> = ["proxyjump", "proxycommand"]

    private static let flag: Set<String> = ["yes", "no", "true", "false"]

    static let rules: [String: Rule] = {
        let list = [
            Rule(name: "ProxyJump", slot: "proxyjump", raw: true, values: nil, off: ["none"],
                 blockedBy: ["proxycommand": true]),
            Rule(name: "ProxyCommand", slot: "proxycommand", raw: true, values: nil, off: ["none"],
                 blockedBy: ["proxyjump": false]),
            Rule(name: "CertificateFile", slot: "certificatefile", raw: false, values: nil, off: []),
            Rule(name: "ControlMaster", slot: "controlmaster", raw: false,
                 values: ["yes", "no", "true", "false", "ask", "auto", "autoask"], off: ["no", "false"]),
            Rule(name: "ControlPath", slot: "controlpath", raw: false, values: nil, off: ["none"]),
            Rule(name: "ClearAllForwardings", slot: "clearallforwardings", raw: false, values: flag, off: ["no", "false"]),
            Rule(name: "GatewayPorts", slot: "gatewayports", raw: false, values: flag, off: ["no", "false"]),
            Rule(name: "BindAddress", slot: "bindaddress", raw: false, values: nil, off: []),
            Rule(name: "BindInterface", slot: "bindinterface", raw: false, values: nil, off: []),
            Rule(name: "AddressFamily", slot: "addressfamily", raw: false, values: ["any", "inet", "inet6"], off: ["any"]),
            Rule(name: "CanonicalizeHostname", slot: "canonicalizehostname", raw: false,
                 values: ["yes", "no", "true", "false", "always"], off: ["no", "false"]),
            Rule(name: "Tunnel", slot: "tunnel", raw: false,
                 values: ["yes", "no", "true", "false", "point-to-point", "ethernet"], off: ["no", "false"]),
            Rule(name: "KnownHostsCommand", slot: "knownhostscommand", raw: true, values: nil, off: ["none"]),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.name.lowercased(), $0) })
    }()
}

/// One of those keywords as it applies to the host: the first value, and
/// where it was written.
package struct UnsupportedSetting: Sendable, Equatable {
    /// ssh_config(5)'s spelling ("ProxyJump").
    package let keyword: String
    package let value: String
    /// Which keywords share "first value wins" with this one.
    package let slot: String
    /// Whether the value is one that changes nothing ("none", "no").
    package let isOff: Bool
    /// The file, or "-o" for the command line.
    package let source: String
    /// The line in `source`; 0 for `-o`.
    package let line: Int

    /// The one-line refusal: where, what, and why snc stops.
    package var refusal: ConfigError {
        let why = "not supported by snc (it would change where or how snc connects)"
        if line == 0 { return ConfigError(source: "-o \(keyword)=\(value)", line: 0, message: why) }
        return ConfigError(source: source, line: line, message: "\(keyword) \(value): \(why)")
    }
}
