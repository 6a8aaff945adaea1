import SNCSSH
import SNCSocket
import Glibc

/// `-R`: ports the server listens on; each connection there arrives as a
/// channel and is connected, from this side, to the forward's host and port.
extension TunnelWorker {
    /// Asks the server for every remote forward before serving anything. A
    /// refusal ends snc (ssh's ExitOnForwardFailure); port 0 prints the port
    /// the server chose, in ssh's words.
    func establishRemoteForwards(_ specs: [ForwardSpec]) throws(ForwardError) {
        for spec in specs {
            // ssh's channel_rfwd_bind_host: no address = loopback, "*" or "" = every interface.
            let bindHost = spec.bindAddress.map { $0 == "*" ? "" : $0 } ?? "localhost"
            let listener: SSHRemoteListener
            do {
                listener = try SessionDriver.run(session, deadline: Deadline(milliseconds: 30_000)) { () throws(SSHError) in
                    try session.listenRemotely(host: bindHost, port: spec.port, queueSize: 128)
                }
            } catch {
                if error.isTimeout { throw .remoteForwardFailed(port: spec.port, reason: "no answer from the server") }
                if error.isDisconnect { throw lost(error) }
                throw .remoteForwardFailed(port: spec.port, reason: error.isRequestDenied ? nil : error.message)
            }
            if spec.port == 0 {
                log.banner(["Allocated port \(listener.boundPort) for remote forward to \(spec.host):\(spec.hostPort)"])
            }
            log.debug("remote forward success for: listen \(bindHost):\(listener.boundPort), connect \(spec.host):\(spec.hostPort)")
            remoteForwards.append(RemoteForward(spec: spec, listener: listener))
        }
    }

    /// Takes every connection the server has forwarded and starts its local connect.
    func pumpRemoteAccepts() throws(ForwardError) {
        for forward in remoteForwards where forward.acceptIdleAt != session.bytesReceived || socketReadable {
            socketReadable = false
            while true {
                let channel: SSHChannel
                do {
                    guard case .done(let accepted) = try forward.listener.accept() else { break }
                    channel = accepted
                } catch {
                    if error.isDisconnect { throw lost(error) }
                    log.debug("remote forward \(forward.listener.boundPort): \(error.description)")
                    break
                }
                connectLocally(channel, for: forward)
            }
            forward.acceptIdleAt = session.bytesReceived
        }
    }

    /// Starts the non-blocking connect to the forward's target; the channel
    /// waits (its data queued in libssh2, within its window) until it is done.
    private func connectLocally(_ channel: SSHChannel, for forward: RemoteForward) {
        let spec = forward.spec
        let id = TunnelConnection.nextID()
        log.debug("channel \(id): connection on remote port \(forward.listener.boundPort) forwarded to \(spec.host) port \(spec.hostPort)")
        // The server opened this channel with libssh2's 2 MiB window; give it ours.
        if settings.channelWindow > 2 << 20 { channel.growReceiveWindow(by: UInt(settings.channelWindow - (2 << 20))) }
        var started: (descriptor: CInt, connected: Bool)?
        var failure = "no address"
        do throws(ResolveError) {
            // Blocking, as in ssh: the target is usually localhost or an address.
            for address in try Resolver.resolve(host: spec.host, port: spec.hostPort) {
                do throws(SyscallError) {
                    let socket = try Socket(family: address.family, type: CInt(SOCK_STREAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue))
                    let connected = try socket.connect(to: address)
                    try? socket.setNoDelay(true)
                    started = (socket.release(), connected)
                    break
                } catch {
                    failure = error.errno.description
                }
            }
        } catch {
            failure = error.message
        }
        guard let started else {
            log.warn("connect_to \(spec.host) port \(spec.hostPort): failed (\(failure)).")
            closing.append(channel)
            return
        }
        let connection = TunnelConnection(
            id: id, local: LocalEndpoint(socket: Socket(adopting: started.descriptor)), targetHost: spec.host, targetPort: spec.hostPort,
            originator: nil, bufferSize: settings.bufferSize)
        connection.channel = channel
        if !started.connected {
            connection.setup = .connectingLocally
            connection.setupDeadline = Deadline(milliseconds: settings.setupTimeoutMilliseconds)
            // Writable means connected (or failed): wait for poll to say so.
            connection.localWritable = false
        }
        connections.append(connection)
    }

    /// Finishes local connects that poll reported done, or drops them.
    func pumpLocalConnects() {
        var failed: [TunnelConnection] = []
        for connection in connections where connection.localWritable {
            guard case .connectingLocally = connection.setup else { continue }
            let pending = connection.local.pendingError
            if pending == 0 {
                connection.setup = nil
                connection.setupDeadline = nil
                log.debug("channel \(connection.id): connected to \(connection.targetHost) port \(connection.targetPort)")
            } else {
                log.warn("connect_to \(connection.targetHost) port \(connection.targetPort): failed (\(String(cString: strerror(pending)))).")
                failed.append(connection)
            }
        }
        for connection in failed { drop(connection) }
    }
}
