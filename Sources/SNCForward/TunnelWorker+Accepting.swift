import SNCSocket

/// New local connections: accepted here (only the first worker listens),
/// kept or handed to another worker round-robin, then adopted.
extension TunnelWorker {
    func accept(from listener: TunnelListener) {
        while true {
            let accepted: Socket.Accepted
            do throws(SyscallError) {
                switch try listener.socket.accept(nonBlocking: true) {
                case .accepted(let next): accepted = next
                case .none:
                    acceptBackoff.reset()
                    return
                case .clientGone: continue
                case .outOfDescriptors(let error): throw error
                }
            } catch {
                // Out of descriptors or memory (or worse): the client stays in
                // the backlog; stop polling the listeners for a while instead of
                // spinning on them. Said once per run of failures.
                if acceptBackoff.pause() {
                    log.warn("accept: \(error.errno.description); pausing new connections")
                }
                return
            }
            let peer = accepted.peer
            let socket = accepted.takeSocket()
            try? socket.setNoDelay(true)
            let id = TunnelConnection.nextID()
            switch listener.service {
            case .forward:
                log.debug("Connection to \(listener.spec.listenDescription) forwarding to \(listener.spec.targetDescription) requested.")
            case .socks:
                log.debug("Connection to port \(listener.spec.port) forwarding to socks port 0 requested.")
            }
            let handoff = TunnelHandoff(descriptor: socket.release(), peer: peer, spec: listener.spec, service: listener.service, id: id)
            // Round-robin over this worker and its peers.
            let target = peers.isEmpty ? 0 : nextPeer % (peers.count + 1)
            nextPeer &+= 1
            if target == 0 {
                adopt(handoff)
            } else {
                peers[target - 1].post(handoff)
            }
        }
    }

    func adoptHandoffs() {
        for handoff in mailbox.take() { adopt(handoff) }
    }

    private func adopt(_ handoff: TunnelHandoff) {
        let connection = TunnelConnection(
            id: handoff.id, local: LocalEndpoint(socket: Socket(adopting: handoff.descriptor)),
            targetHost: handoff.spec.host, targetPort: handoff.spec.hostPort, originator: handoff.peer,
            bufferSize: settings.bufferSize)
        connection.targetPath = handoff.spec.targetPath
        switch handoff.service {
        case .forward:
            queueOpen(for: connection)
        case .socks:
            // The target is known once the client's request is read.
            connection.setup = .socksHandshake(SOCKSHandshake())
            connection.setupDeadline = Deadline(milliseconds: settings.setupTimeoutMilliseconds)
            connections.append(connection)
        }
        needsPump = true
    }
}
