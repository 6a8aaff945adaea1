import SNCSSH
import SNCSocket

/// Moving bytes between a local endpoint and its channel, both ways, with
/// the EOFs that end each direction.
extension TunnelWorker {
    /// One connection's turn: local → channel, channel → local, EOFs.
    /// Returns true when the connection is finished.
    func relay(_ connection: TunnelConnection) throws(ForwardError) -> Bool {
        guard let channel = connection.channel else { return false }
        do {
            // Local → buffer.
            if wantsLocalRead(connection) && connection.localReadable {
                try readLocal(connection)
            }
            // Buffer → channel, while libssh2's send buffer is not too full.
            while !connection.toRemote.isEmpty && session.pendingOutboundBytes < settings.outboundHighWater
                && connection.writeBlockedAt != session.bytesReceived {
                switch try channel.write(connection.toRemote.readable) {
                case .done(let count) where count > 0:
                    connection.toRemote.didRead(count)
                    connection.writeBlockedAt = .max
                default:
                    // The server's window is closed; a window adjust will arrive as new bytes.
                    connection.writeBlockedAt = session.bytesReceived
                }
                if connection.writeBlockedAt != .max { break }
            }
            if connection.toRemoteState == .draining && connection.toRemote.isEmpty {
                if case .done = try channel.sendEOF() {
                    connection.toRemoteState = .closed
                    log.debug("channel \(connection.id): local EOF, sent EOF")
                }
            }
            // Channel → buffer → local. Room first: bytes waiting in libssh2
            // for this channel do not make the socket readable again, so once
            // the buffer is emptied here the loop below must fetch them now,
            // or the tunnel sleeps in poll(2) while they wait (for ever when
            // the server's window is used up).
            if !connection.toLocal.isEmpty && connection.localWritable { try writeLocal(connection) }
            while connection.toLocalState == .open && connection.toLocal.hasSpace
                && (connection.readIdleAt != session.bytesReceived || socketReadable) {
                let space = connection.toLocal.writable
                socketReadable = false
                switch try channel.read(into: space) {
                case .done(0):
                    if channel.receivedEOF {
                        connection.toLocalState = .draining
                        log.debug("channel \(connection.id): remote EOF")
                    } else {
                        connection.readIdleAt = session.bytesReceived
                    }
                case .done(let count):
                    connection.toLocal.didWrite(count)
                    // libssh2 drained the socket first and copies every queued packet
                    // of this channel that fits: a short read means none is left.
                    if count < space.count {
                        if channel.receivedEOF {
                            // The EOF came in with the last data: nothing will wake us for it.
                            connection.toLocalState = .draining
                            log.debug("channel \(connection.id): remote EOF")
                        } else {
                            connection.readIdleAt = session.bytesReceived
                        }
                    }
                case .wouldBlock:
                    connection.readIdleAt = session.bytesReceived
                }
                // A non-blocking endpoint may be tried before poll says so (EAGAIN is a state).
                if !connection.toLocal.isEmpty && (connection.localWritable || !connection.local.writeMayBlock) {
                    try writeLocal(connection)
                }
            }
            if connection.toLocalState == .draining && connection.toLocal.isEmpty {
                connection.local.finishWriting()
                connection.toLocalState = .closed
            }
        } catch let error as SSHError {
            if error.isDisconnect { throw lost(error) }
            log.debug("channel \(connection.id): \(error.description)")
            return true
        } catch {
            // The local peer reset or vanished: drop this connection only.
            log.debug("channel \(connection.id): \(error)")
            return true
        }
        // With -W too: after the far side's EOF stdout is ended, and stdin is
        // still sent until it ends (half-close both ways, as ssh -W).
        return connection.isFinished
    }

    func wantsLocalRead(_ connection: TunnelConnection) -> Bool {
        connection.isRelaying && connection.toRemoteState == .open && connection.toRemote.hasSpace
    }

    private func readLocal(_ connection: TunnelConnection) throws(SyscallError) {
        while connection.toRemote.hasSpace {
            let space = connection.toRemote.writable
            switch try connection.local.read(into: space) {
            case .done(0):
                connection.toRemoteState = .draining
                return
            case .done(let count):
                connection.toRemote.didWrite(count)
                // A short read emptied the socket's queue, and a blocking
                // stdin was promised one read: let poll say when there is more.
                if count < space.count || connection.local.readMayBlock {
                    connection.localReadable = false
                    return
                }
            case .wouldBlock:
                connection.localReadable = false
                return
            }
        }
    }

    private func writeLocal(_ connection: TunnelConnection) throws(SyscallError) {
        while !connection.toLocal.isEmpty {
            switch try connection.local.write(connection.toLocal.readable) {
            case .done(let count):
                connection.toLocal.didRead(count)
                // A blocking stdout was promised one write: ask poll before the next.
                if connection.local.writeMayBlock {
                    connection.localWritable = false
                    return
                }
            case .wouldBlock:
                connection.localWritable = false
                return
            }
        }
    }
}
