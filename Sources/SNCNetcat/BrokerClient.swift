import SNCSocket

/// One client of the broker: its socket, the bytes waiting to be written
/// to it, and its chat state. A class, because the broker's lists share it.
final class BrokerClient {
    let socket: Socket
    /// The address as chat shows it (numeric host, or the Unix path).
    let host: String
    /// The address for log lines: "127.0.0.1:40212", "[::1]:40212", or the Unix path.
    let label: String
    /// Numbered from 1 in order of arrival (chat's <userN>, and log lines).
    let user: Int
    var outgoing = ByteQueue()
    var lines = ChatLines()
    /// Since when its queue has been above the high-water mark (holding
    /// every other client back); nil while it is not.
    var stalledSince: UInt64?
    /// A write failed, or it was dropped: it leaves at the end of this round.
    var broken = false
    var gone = false
    /// Its sending side is shut down (`--keep-open` after stdin ended).
    var sendingShutDown = false
    /// Its TLS session, with `--ssl`.
    let tls: BrokerTLS?

    init(socket: consuming Socket, host: String, label: String, user: Int, tls: BrokerTLS? = nil) {
        self.socket = socket
        self.tls = tls
        self.host = host
        self.label = label
        self.user = user
    }

    /// Starts or stops the stall clock after its queue changed.
    func noteQueueLength(_ rule: SlowClientRule, now: UInt64) {
        stalledSince = rule.stalledSince(stalledSince, queued: outgoing.count, now: now)
    }
}
