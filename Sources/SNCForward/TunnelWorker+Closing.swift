import SNCSSH
import SNCSocket

/// Ending connections: the local socket closes at once, the channel after
/// the server has confirmed its close.
extension TunnelWorker {
    /// A finished connection: its channel goes to the closing list (libssh2
    /// must exchange CHANNEL_CLOSE with the server), its socket is closed.
    func retire(_ connection: TunnelConnection) {
        // Its socket is about to close: a descriptor for the backlog.
        acceptBackoff.wake()
        if let channel = connection.channel {
            closing.append(channel)
            connection.channel = nil
        }
        log.debug("channel \(connection.id): closed")
    }

    func pumpClosing() throws(ForwardError) {
        guard !closing.isEmpty, closingAttemptedAt != session.bytesReceived else { return }
        var index = 0
        while index < closing.count {
            do {
                if case .done = try closing[index].free() {
                    closing.remove(at: index)
                    continue
                }
            } catch {
                if error.isDisconnect { throw lost(error) }
                closing.remove(at: index)
                continue
            }
            index += 1
        }
        closingAttemptedAt = session.bytesReceived
    }

    /// `--reconnect`: the session is gone and snc goes on, so the local
    /// clients it carried must not wait for bytes that will never come:
    /// each gets a reset (as for a refused channel) and the log says why.
    func resetConnections(because reason: String) {
        let local = connections.filter { $0.local.kind == .socket }
        guard !local.isEmpty else { return }
        for connection in local { connection.local.resetOnClose() }
        log.warn("reset \(local.count) forwarded connection\(local.count == 1 ? "" : "s"): \(reason)")
        connections.removeAll()
        openQueue.removeAll()
    }
}
