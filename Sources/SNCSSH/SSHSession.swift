import CLibSSH2
import SNCSocket
import Glibc

/// One SSH connection: owns a `LIBSSH2_SESSION` and frees it in `deinit`.
///
/// The TCP socket is borrowed: the caller owns it and must keep it open
/// until this session (and every channel, which holds the session) is gone.
/// A session reached through a jump host runs inside a direct-tcpip
/// channel of the jump host's session instead, which it owns; `socket` is
/// then the socket at the bottom of the chain, and the whole chain belongs
/// to the one thread that uses this session.
/// The session is non-blocking from the start: every call that would block
/// returns `.wouldBlock`, and the caller polls the socket in the directions
/// `blockDirections` names, then repeats the same call with the same arguments.
/// libssh2 has no locking, so a session and its channels belong to one thread.
package final class SSHSession {
    let handle: OpaquePointer
    let context: SSHSessionContext
    /// The borrowed TCP socket.
    package let socket: CInt
    private var handshakeDone = false

    /// A session on its own TCP socket (or a proxy command's socketpair).
    package convenience init(socket: CInt) throws(SSHError) {
        try self.init(socket: socket, carrier: nil)
    }

    /// A session whose bytes travel in `channel`, a direct-tcpip channel of
    /// a jump host's session that this session now owns; `name` says which
    /// in messages ("jump host bastion").
    package convenience init(over channel: SSHChannel, name: String) throws(SSHError) {
        try self.init(socket: channel.session.socket, carrier: channel, carrierName: name)
    }

    /// Wraps `libssh2_session_init_ex` and installs snc's send and recv callbacks.
    private init(socket: CInt, carrier: SSHChannel?, carrierName: String = "") throws(SSHError) {
        guard SSHLibrary.initialized else {
            throw SSHError(call: "libssh2_init", code: LIBSSH2_ERROR_ALLOC, message: "libssh2 could not initialise its crypto backend")
        }
        let context = SSHSessionContext(socket: socket, carrier: carrier, carrierName: carrierName)
        let abstract = Unmanaged.passUnretained(context).toOpaque()
        guard let handle = libssh2_session_init_ex(nil, nil, nil, abstract) else {
            throw SSHError(call: "libssh2_session_init_ex", code: LIBSSH2_ERROR_ALLOC, message: "out of memory")
        }
        self.handle = handle
        self.context = context
        self.socket = socket
        libssh2_session_set_blocking(handle, 0)
        _ = libssh2_session_callback_set(handle, LIBSSH2_CALLBACK_RECV, unsafeBitCast(SSHCallbacks.receive, to: UnsafeMutableRawPointer.self))
        _ = libssh2_session_callback_set(handle, LIBSSH2_CALLBACK_SEND, unsafeBitCast(SSHCallbacks.send, to: UnsafeMutableRawPointer.self))
    }

    deinit {
        // Non-blocking frees can stop half-way with EAGAIN and leak; finish them in
        // blocking mode, bounded by a timeout so a dead server cannot hang us.
        libssh2_session_set_timeout(handle, 2000)
        libssh2_session_set_blocking(handle, 1)
        context.sendsSynchronously = true
        _ = context.drain(timeoutMilliseconds: 1000)
        if handshakeDone && context.sendError == 0 {
            _ = libssh2_session_disconnect_ex(handle, SSH_DISCONNECT_BY_APPLICATION, "snc: closing", "")
        }
        _ = libssh2_session_free(handle)
    }

    // MARK: Errors

    /// The session's last error as a typed error (`libssh2_session_last_error`).
    package func lastError(call: String, code: Int32? = nil) -> SSHError {
        var message: UnsafeMutablePointer<CChar>?
        var length: CInt = 0
        let last = libssh2_session_last_error(handle, &message, &length, 0)
        // Through a jump host, libssh2 only saw its transport fail; say why.
        let text = context.carrierFailure ?? message.map { String(cString: $0) } ?? ""
        return SSHError(call: call, code: code ?? last, message: text)
    }

    /// Turns a libssh2 return code into `.done`, `.wouldBlock` or a thrown error.
    func check(_ code: CInt, _ call: String) throws(SSHError) -> IOResult<Void> {
        if code == 0 { return .done(()) }
        if code == LIBSSH2_ERROR_EAGAIN { return .wouldBlock }
        throw lastError(call: call, code: code)
    }

    // MARK: Set-up

    /// The algorithm lists libssh2 negotiates from (`libssh2_session_method_pref`).
    package enum Method: Sendable {
        case keyExchange, hostKey, cipherClientToServer, cipherServerToClient, macClientToServer, macServerToClient

        var cValue: CInt {
            switch self {
            case .keyExchange: LIBSSH2_METHOD_KEX
            case .hostKey: LIBSSH2_METHOD_HOSTKEY
            case .cipherClientToServer: LIBSSH2_METHOD_CRYPT_CS
            case .cipherServerToClient: LIBSSH2_METHOD_CRYPT_SC
            case .macClientToServer: LIBSSH2_METHOD_MAC_CS
            case .macServerToClient: LIBSSH2_METHOD_MAC_SC
            }
        }
    }

    /// Wraps `libssh2_session_method_pref`: a comma-separated preference list.
    package func setPreference(_ method: Method, _ list: String) throws(SSHError) {
        let code = libssh2_session_method_pref(handle, method.cValue, list)
        if code != 0 { throw lastError(call: "libssh2_session_method_pref", code: code) }
    }

    /// What libssh2 can do for a method (`libssh2_session_supported_algs`).
    package func supportedAlgorithms(_ method: Method) -> [String] {
        var list: UnsafeMutablePointer<UnsafePointer<CChar>?>?
        let count = libssh2_session_supported_algs(handle, method.cValue, &list)
        guard count > 0, let list else { return [] }
        defer { libssh2_free(handle, list) }
        return (0..<Int(count)).compactMap { list[$0].map { String(cString: $0) } }
    }

    /// The algorithm chosen for a method after the handshake (`libssh2_session_methods`).
    package func negotiated(_ method: Method) -> String? {
        libssh2_session_methods(handle, method.cValue).map { String(cString: $0) }
    }

    /// Wraps `libssh2_session_handshake`: banner exchange, key exchange, host key.
    package func handshake() throws(SSHError) -> IOResult<Void> {
        let result = try check(libssh2_session_handshake(handle, socket), "libssh2_session_handshake")
        if case .done = result { handshakeDone = true }
        return result
    }

    /// The server's identification string ("SSH-2.0-OpenSSH_9.2p1 Debian-2"), if known.
    package var remoteBanner: String? {
        libssh2_session_banner_get(handle).map { String(cString: $0) }
    }

    /// Which way the last EAGAIN was waiting (`libssh2_session_block_directions`).
    package var blockDirections: (inbound: Bool, outbound: Bool) {
        let directions = libssh2_session_block_directions(handle)
        return (directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0, directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0)
    }

    /// The poll(2) events that let a waiting call make progress: POLLIN
    /// always (libssh2 waits for the server), POLLOUT while snc's send
    /// buffer holds bytes.
    package var pollEvents: Int16 {
        // Through a jump host, only the bottom session's buffer waits for
        // the socket; this one's waits for a window adjustment, which
        // arrives as input.
        if let carrier = context.carrier { return carrier.session.pollEvents }
        // snc's send callback never makes libssh2 wait for the socket, so
        // only snc's own buffer can need POLLOUT.
        var events = Int16(POLLIN)
        if !context.outbound.isEmpty { events |= Int16(POLLOUT) }
        return events
    }

    /// Gives up on the server (dead, frozen, or we are exiting after a
    /// failure): shuts the socket down so that freeing the channels and the
    /// session fails fast instead of waiting, per channel, for a close
    /// confirmation that will never come.
    package func abandonConnection() {
        if let carrier = context.carrier {
            carrier.session.abandonConnection()
        } else {
            _ = Glibc.shutdown(socket, CInt(SHUT_RDWR))
        }
        if context.sendError == 0 { context.sendError = -Int(EPIPE) }
    }

    /// Bytes libssh2 has sent that still wait in snc's buffers (this
    /// session's and, through a jump host, every outer session's).
    package var pendingOutboundBytes: Int {
        context.outbound.count + (context.carrier?.session.pendingOutboundBytes ?? 0)
    }

    /// Sends buffered bytes the transport will take now, down to the socket (never blocks).
    package func flushOutbound() throws(SSHError) {
        if context.sendError == 0 {
            let result = context.flush()
            if result != 0 { context.sendError = result }
        }
        if context.sendError != 0 {
            throw SSHError(call: "send", code: LIBSSH2_ERROR_SOCKET_SEND,
                           message: context.carrierFailure ?? String(cString: strerror(CInt(-context.sendError))))
        }
        try context.carrier?.session.flushOutbound()
    }

    /// Input already read from the socket that libssh2 has not taken yet:
    /// read ahead, or (through a jump host) read by an outer session and
    /// queued for this session's carrier. poll(2) on the socket cannot see
    /// it, so a caller about to sleep must not.
    package var hasBufferedInput: Bool {
        guard let carrier = context.carrier else { return !context.readAhead.isEmpty }
        // The carrier's end counts: only this session's next read turns it
        // into the error that ends the tunnel.
        return carrier.hasQueuedData || carrier.receivedEOF || carrier.session.hasBufferedInput
    }

    // MARK: Liveness

    /// Monotonic nanoseconds at which the server last sent a byte.
    package var lastReceivedNanoseconds: UInt64 { context.lastReceivedNanoseconds }

    /// Total bytes received from the server, for noticing newly queued packets.
    package var bytesReceived: UInt64 { context.bytesReceived }

    /// Wraps `libssh2_keepalive_config`. `want_reply` is always 0: libssh2 1.10
    /// never hands the replies back and keeps every one queued (a leak that
    /// also slows every later channel read), so liveness is judged elsewhere.
    package func configureKeepalive(intervalSeconds: Int) {
        context.keepaliveInterval = max(intervalSeconds, 0)
        libssh2_keepalive_config(handle, 0, UInt32(clamping: context.keepaliveInterval))
    }

    /// Whether a jump host's session under this one sends keepalives.
    package var hasJumpHostKeepalives: Bool {
        guard let outer = context.carrier?.session else { return false }
        return outer.context.keepaliveInterval > 0 || outer.hasJumpHostKeepalives
    }

    /// Sends each jump host's keepalive that is due, as the `ssh -W` run for
    /// that hop would (its own ServerAliveInterval): an idle chain still
    /// shows traffic on every hop's connection, which NAT and firewalls
    /// in front of a bastion watch.
    package func sendJumpHostKeepalivesIfDue() throws(SSHError) {
        guard let outer = context.carrier?.session else { return }
        if outer.context.keepaliveInterval > 0 { _ = try outer.sendKeepaliveIfDue() }
        try outer.sendJumpHostKeepalivesIfDue()
    }

    /// Wraps `libssh2_keepalive_send`: sends a keepalive if one is due and
    /// returns the seconds until the next one is.
    package func sendKeepaliveIfDue() throws(SSHError) -> Int {
        var next: CInt = 0
        let code = libssh2_keepalive_send(handle, &next)
        if code != 0 && code != LIBSSH2_ERROR_EAGAIN { throw lastError(call: "libssh2_keepalive_send", code: code) }
        return Int(next)
    }

    // MARK: Channels

    /// Wraps `libssh2_channel_open_ex`. Only one open may be in flight per
    /// session: on `.wouldBlock`, call again with the same arguments.
    package func openChannel(
        type: String, windowSize: UInt32, packetSize: UInt32, message: [UInt8]
    ) throws(SSHError) -> IOResult<SSHChannel> {
        let typeBytes = Array(type.utf8)
        let pointer = typeBytes.withUnsafeBufferPointer { typeBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                typeBuffer.withMemoryRebound(to: CChar.self) { typeChars in
                    messageBuffer.withMemoryRebound(to: CChar.self) { messageChars in
                        libssh2_channel_open_ex(
                            handle, typeChars.baseAddress, UInt32(typeChars.count), windowSize, packetSize,
                            messageChars.baseAddress, UInt32(messageChars.count))
                    }
                }
            }
        }
        if let pointer { return .done(SSHChannel(session: self, handle: pointer)) }
        let code = libssh2_session_last_errno(handle)
        if code == LIBSSH2_ERROR_EAGAIN { return .wouldBlock }
        throw lastError(call: "libssh2_channel_open_ex", code: code)
    }

    /// Frees a channel in blocking mode, bounded by a timeout; for `deinit`
    /// paths where the non-blocking close could not be finished.
    func freeChannelBlocking(_ channel: OpaquePointer) {
        libssh2_session_set_timeout(handle, 1000)
        libssh2_session_set_blocking(handle, 1)
        context.sendsSynchronously = true
        _ = context.drain(timeoutMilliseconds: 1000)
        _ = libssh2_channel_free(channel)
        context.sendsSynchronously = false
        libssh2_session_set_blocking(handle, 0)
        libssh2_session_set_timeout(handle, 0)
    }
}
