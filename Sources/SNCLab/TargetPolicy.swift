import SNCSocket

/// Who may be loaded how hard: a sweep or more than 100 clients only against
/// loopback, unless the user says they own the host. Decided from the
/// resolved addresses alone, before any socket exists.
package enum TargetPolicy {
    /// The most clients allowed against a host that is not loopback without --i-own-this-host.
    package static let remoteConcurrencyLimit = 100

    /// Nil if the run may go ahead, or the one-line reason it may not.
    package static func refusal(
        host: String,
        addresses: [SocketAddress],
        highestConcurrency: Int,
        sweep: Bool,
        ownsHost: Bool
    ) -> String? {
        guard !ownsHost, !addresses.allSatisfy(\.isLoopback) else { return nil }
        guard sweep || highestConcurrency > remoteConcurrencyLimit else { return nil }
        let what = sweep ? "--sweep" : "\(highestConcurrency) concurrent clients"
        return "refusing \(what) against \(host), which is not a loopback address: add --i-own-this-host if it is yours to load"
    }
}
