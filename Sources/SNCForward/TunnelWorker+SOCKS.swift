import SNCSocket

/// `-D`: reading each SOCKS client's request before its channel is opened,
/// on the session's thread like everything else (non-blocking, poll driven).
extension TunnelWorker {
    /// Reads and answers every SOCKS handshake that has input waiting.
    func pumpHandshakes() {
        var dropped: [TunnelConnection] = []
        for connection in connections {
            guard case .socksHandshake(var handshake) = connection.setup else { continue }
            if !flushHandshakeReply(connection) {
                dropped.append(connection)
                continue
            }
            guard connection.localReadable else { continue }
            var chunk = [UInt8](repeating: 0, count: 1024)
            let result: IOResult<Int>
            do {
                result = try chunk.withUnsafeMutableBytes { raw throws(SyscallError) in try connection.local.read(into: raw) }
            } catch {
                log.debug("channel \(connection.id): SOCKS client: \(error)")
                dropped.append(connection)
                continue
            }
            switch result {
            case .wouldBlock:
                connection.localReadable = false
                continue
            case .done(0):
                log.warn("channel \(connection.id): SOCKS client closed before its request was complete; connection closed")
                dropped.append(connection)
                continue
            case .done(let count):
                handshake.append(Array(chunk[..<count]))
                if count < chunk.count { connection.localReadable = false }
            }
            connection.setup = .socksHandshake(handshake)
            steps: while true {
                switch handshake.advance() {
                case .needMore:
                    connection.setup = .socksHandshake(handshake)
                    break steps
                case .send(let reply):
                    _ = connection.toLocal.append(reply)
                case .connect(let request, let leftover):
                    connection.targetHost = request.host
                    connection.targetPort = request.port
                    guard connection.toRemote.append(leftover) else {
                        dropped.append(connection)
                        break steps
                    }
                    log.debug("channel \(connection.id): dynamic request: \(request.version == .socks5 ? "socks5" : "socks4") host \(request.host) port \(request.port) command 1")
                    connection.setup = .socksReplyDue(request)
                    connection.setupDeadline = nil
                    openQueue.append(.connection(connection, windowSize: settings.window(forConnections: connections.count)))
                    break steps
                case .fail(let reply, let reason):
                    log.warn("channel \(connection.id): SOCKS: \(reason); connection closed")
                    _ = connection.toLocal.append(reply)
                    _ = flushHandshakeReply(connection)
                    dropped.append(connection)
                    break steps
                }
            }
            if !dropped.contains(where: { $0 === connection }) && !flushHandshakeReply(connection) {
                dropped.append(connection)
            }
        }
        for connection in dropped { drop(connection) }
    }

    /// Writes what the handshake owes the client (SOCKS5's method choice,
    /// an error reply); false when the client is gone.
    @discardableResult
    func flushHandshakeReply(_ connection: TunnelConnection) -> Bool {
        while !connection.toLocal.isEmpty {
            do {
                switch try connection.local.write(connection.toLocal.readable) {
                case .done(let count): connection.toLocal.didRead(count)
                case .wouldBlock:
                    connection.localWritable = false
                    return true
                }
            } catch {
                return false
            }
        }
        return true
    }

    /// The earliest moment an unfinished setup is given up, for poll's timeout.
    var earliestSetupDeadline: Deadline? {
        connections.lazy.compactMap(\.setupDeadline).min()
    }

    /// Drops connections whose SOCKS request or local connect took too long.
    func expireSetups() {
        let expired = connections.filter { $0.setupDeadline?.hasPassed ?? false }
        for connection in expired {
            let seconds = settings.setupTimeoutMilliseconds / 1000
            switch connection.setup {
            case .connectingLocally:
                log.warn("connect_to \(connection.targetHost) port \(connection.targetPort): failed (no answer within \(seconds)s).")
            default:
                log.warn("channel \(connection.id): SOCKS client sent no complete request within \(seconds)s; connection closed")
            }
            drop(connection)
        }
    }

    /// Ends a connection that never started relaying: its socket closes,
    /// and a channel it already has is closed with the server.
    func drop(_ connection: TunnelConnection) {
        // Never one whose channel open is queued: that open is repeated with
        // the same arguments until the server answers.
        connections.removeAll { $0 === connection }
        retire(connection)
    }
}
