import SNCSSH
import SNCSocket

/// Opening direct-tcpip channels, one at a time per session.
extension TunnelWorker {
    enum PendingOpen {
        /// The window is fixed when the open is queued: an open that returned
        /// EAGAIN must be repeated with the same arguments, and the number of
        /// connections (which the window depends on) may change meanwhile.
        case connection(TunnelConnection, windowSize: UInt32)
        /// A channel type no server knows: the refusal proves the server is
        /// alive and makes libssh2 read the socket while no channel exists.
        case probe
    }

    /// Takes on a local connection and queues its channel open.
    func queueOpen(for connection: TunnelConnection) {
        connections.append(connection)
        openQueue.append(.connection(connection, windowSize: settings.window(forConnections: connections.count)))
    }

    /// Drives the one channel-open in flight, repeating the call with the
    /// same arguments until the server answers.
    func pumpOpen() throws(ForwardError) {
        while let pending = openQueue.first {
            if openAttemptedAt == session.bytesReceived { return }
            socketReadable = false
            let result: IOResult<SSHChannel>
            do {
                switch pending {
                case .probe:
                    result = try session.openChannel(type: "keepalive@snc", windowSize: 32768, packetSize: 32768, message: [])
                case .connection(let connection, let windowSize):
                    result = try session.openChannel(
                        type: connection.channelType, windowSize: windowSize, packetSize: settings.maximumPacket,
                        message: connection.openMessage)
                }
            } catch {
                openQueue.removeFirst()
                openAttemptedAt = .max
                if error.isDisconnect { throw lost(error) }
                switch pending {
                case .probe:
                    log.debug("probe answered: server alive", level: 2)
                case .connection(let connection, _):
                    try refuse(connection, error: error)
                }
                continue
            }
            switch result {
            case .wouldBlock:
                openAttemptedAt = session.bytesReceived
                return
            case .done(let channel):
                openQueue.removeFirst()
                openAttemptedAt = .max
                switch pending {
                case .probe:
                    // A server that accepted our made-up channel type: close it again.
                    closing.append(channel)
                case .connection(let connection, _):
                    connection.channel = channel
                    if case .socksReplyDue(let request) = connection.setup {
                        // Ahead of any byte from the channel, which goes to the same buffer.
                        _ = connection.toLocal.append(request.grantedReply)
                        connection.setup = nil
                    }
                    log.debug("channel \(connection.id): open confirmed to \(connection.targetDescription)")
                }
            }
        }
    }

    /// The server refused the channel (nothing listening there, or not
    /// allowed): close just this local connection and say why.
    private func refuse(_ connection: TunnelConnection, error: SSHError) throws(ForwardError) {
        let reason = error.channelRefusalReason
        if connection.local.kind == .standardIO {
            throw .channelOpenFailed(target: "\(connection.targetHost) port \(connection.targetPort)", reason: reason)
        }
        if case .socksReplyDue(let request) = connection.setup {
            // The SOCKS client gets the failure in its own protocol, then an orderly close.
            let failure = SOCKSFailure(channelRefusal: reason)
            log.warn("channel \(connection.id): open failed: \(reason): \(connection.targetHost) port \(connection.targetPort); SOCKS \(failure) reply sent")
            _ = connection.toLocal.append(request.failureReply(failure))
            flushHandshakeReply(connection)
            connections.removeAll { $0 === connection }
            acceptBackoff.wake()
            return
        }
        // ssh prints the server's reason too ("connect failed: Connection
        // refused"); libssh2 1.10 keeps only the reason code's name, the
        // same for a refused and an unresolvable target, so snc names the
        // target instead and says what it did to the local client.
        log.warn("channel \(connection.id): open failed: \(reason): \(connection.targetDescription); local connection reset")
        connection.local.resetOnClose()
        connections.removeAll { $0 === connection }
        acceptBackoff.wake()
    }
}
