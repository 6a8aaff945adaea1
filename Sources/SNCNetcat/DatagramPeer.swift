import SNCSocket

/// The peer of a UDP session: fixed for a connected socket, or (for a
/// `-k -u` listener, which is not connected) the last one heard from.
package final class DatagramPeer {
    let connected: Bool
    private(set) var address: SocketAddress?
    private let accepts: (SocketAddress) -> Bool
    private let announce: (SocketAddress) -> Void

    package init(connected: Bool, address: SocketAddress?, accepts: @escaping (SocketAddress) -> Bool, announce: @escaping (SocketAddress) -> Void) {
        self.connected = connected
        self.address = address
        self.accepts = accepts
        self.announce = announce
    }

    /// Notes a datagram's sender; false if `--allow`/`--deny` refuse it and
    /// its datagram is to be dropped.
    func heard(from sender: SocketAddress) -> Bool {
        guard !connected else { return true }
        guard accepts(sender) else { return false }
        if sender != address {
            address = sender
            announce(sender)
        }
        return true
    }
}
