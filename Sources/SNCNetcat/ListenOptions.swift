import SNCSocket

/// Everything `snc listen` (and nc's `-l`) was asked to do.
package struct ListenOptions: Sendable, Equatable {
    /// The address (or name) to bind; nil for one dual-stack socket on `::`.
    package var address: String?
    /// The port to listen on (TCP and UDP).
    package var port: Port?
    /// `-U`: listen on this Unix-domain path instead (`@name`: abstract).
    package var unixPath: String?
    package var network = NetworkOptions()
    /// `-k`: after a client leaves, wait for the next.
    package var keepListening = false
    /// `--broker`: every client's data goes to all other clients.
    package var broker = false
    /// `--chat`: broker with `<userN>` prefixes and join/leave announcements.
    package var chat = false
    /// `--max-conns`: clients served at the same time in broker and chat mode.
    package var maxConnections = 100
    /// `--allow` / `--deny`.
    package var access = AccessControl()
    package var session = SessionOptions()

    package init() {}
}
