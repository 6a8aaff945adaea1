import SNCSocket

/// What a netcat command talks to or listens on.
package enum NetcatEndpoint: Sendable, Equatable {
    /// A host name or address and its ports (several only for `-z`).
    case internet(host: String, ports: [PortRange])
    /// `-U`: a Unix-domain socket path, `@name` for the abstract namespace.
    case unix(path: String)
}

/// Settings shared by connect and listen.
package struct NetworkOptions: Sendable, Equatable {
    /// `-4` / `-6`.
    package var family: AddressFamily = .any
    /// `-u`.
    package var transport: Transport = .tcp
    /// `-n`: numeric addresses and ports only, no lookups.
    package var numeric = false

    package init() {}
}
