import SNCSocket

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
