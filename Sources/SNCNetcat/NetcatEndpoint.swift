import SNCSocket

/// What a netcat command talks to or listens on.
package enum NetcatEndpoint: Sendable, Equatable {
    /// A host name or address and its ports (several only for `-z`).
    case internet(host: String, ports: [PortRange])
    /// `-U`: a Unix-domain socket path, `@name` for the abstract namespace.
    case unix(path: String)
}
