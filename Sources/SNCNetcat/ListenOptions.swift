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
    /// `--broker`: every client's data goes to all other clients. Also set
    /// for ncat's `--keep-open` (and `-k --max-conns`), which serve many
    /// clients at once through the same machinery, without `relaysBetweenClients`.
    package var broker = false
    /// False for ncat's `--keep-open`: clients hear stdin only, not each other.
    package var relaysBetweenClients = true
    /// ncat's `--recv-only`: with many clients, nothing is ever sent to any
    /// of them (not stdin, not each other's data, not chat announcements).
    package var receiveOnly = false
    /// `--chat`: broker with `<userN>` prefixes and join/leave announcements.
    package var chat = false
    /// `--max-conns`: clients served at the same time in broker, chat and keep-open mode.
    package var maxConnections = 100
    /// `--allow` / `--deny`.
    package var access = AccessControl()
    package var session = SessionOptions()
    /// `--ssl`: TLS with each client; nil for plain TCP.
    package var tls: TLSOptions?

    package init() {}
}
