import SNCSSH
import SNCSocket
import Synchronization
import Glibc

/// One tunnelled connection: a local endpoint relayed both ways through
/// its own direct-tcpip channel, with a bounded buffer per direction.
final class TunnelConnection {
    /// snc's channel number, for messages ("channel 3: ...").
    let id: Int
    var local: LocalEndpoint
    /// Where the server should connect, and who connected to us (the
    /// direct-tcpip "originator", RFC 4254 §7.2).
    /// For a SOCKS connection, known once the client's request is read.
    var targetHost: String
    var targetPort: UInt16
    /// A Unix-domain socket on the server instead of host and port
    /// (`-L ...:/remote.sock`): the channel is direct-streamlocal@openssh.com.
    var targetPath: String?
    let originator: SocketAddress?
    var channel: SSHChannel?

    /// Local → channel and channel → local.
    let toRemote: RelayBuffer
    let toLocal: RelayBuffer

    /// Local → channel: `open` while the local side may still send,
    /// `draining` once it ended and staged bytes still go to the channel,
    /// `closed` once channel EOF has been sent to the server.
    var toRemoteState: DirectionState = .open
    /// Channel → local: `open` while the server may still send, `draining`
    /// after its EOF while staged bytes are written locally, `closed` once
    /// the local side was told (socket shut down, stdout ended).
    var toLocalState: DirectionState = .open

    /// What must happen before bytes are relayed; nil once they are.
    var setup: TunnelSetup?
    /// When an unfinished SOCKS handshake or local connect is given up.
    var setupDeadline: Deadline?

    /// poll(2) said the local endpoint is readable / writable.
    var localReadable = true
    var localWritable = true
    /// Where the local endpoint sits in the worker's poll set this round;
    /// nil until the worker first polls it.
    var pollSlots: PollSet.EndpointSlots?
    /// `bytesReceived` when a channel read last found nothing: reading
    /// again is pointless until the server has sent more.
    var readIdleAt: UInt64 = .max
    /// `bytesReceived` when a channel write last found the window closed.
    var writeBlockedAt: UInt64 = .max

    init(id: Int, local: consuming LocalEndpoint, targetHost: String, targetPort: UInt16, originator: SocketAddress?, bufferSize: Int) {
        self.id = id
        self.local = local
        self.targetHost = targetHost
        self.targetPort = targetPort
        self.originator = originator
        toRemote = RelayBuffer(capacity: bufferSize)
        toLocal = RelayBuffer(capacity: bufferSize)
        // A blocking stdin or stdout is touched only after poll says it is ready.
        localReadable = !self.local.readMayBlock
        localWritable = !self.local.writeMayBlock
    }

    /// Bytes move between the local side and an open channel.
    var isRelaying: Bool { channel != nil && setup == nil }

    /// Waiting for more of a SOCKS request.
    var isReadingHandshake: Bool {
        if case .socksHandshake = setup { return true }
        return false
    }

    /// Waiting for the local connect of a `-R` connection.
    var isConnectingLocally: Bool {
        if case .connectingLocally = setup { return true }
        return false
    }

    /// Both directions are finished and every byte delivered.
    var isFinished: Bool {
        toRemoteState == .closed && toLocalState == .closed
    }

    /// The open message for this connection's channel.
    var openMessage: [UInt8] {
        if let targetPath { return Self.streamLocalMessage(path: targetPath) }
        return Self.directTCPIPMessage(host: targetHost, port: targetPort, originator: originator)
    }

    /// The direct-tcpip open message: string host, uint32 port, string
    /// originator address, uint32 originator port (RFC 4254 §7.2).
    static func directTCPIPMessage(host: String, port: UInt16, originator: SocketAddress?) -> [UInt8] {
        var message: [UInt8] = []
        func string(_ text: String) {
            let bytes = Array(text.utf8)
            uint32(UInt32(bytes.count))
            message += bytes
        }
        func uint32(_ value: UInt32) {
            message += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        }
        string(host)
        uint32(UInt32(port))
        // A client of a Unix-domain listener has no address: ssh says 127.0.0.1 port 0.
        let origin = originator.flatMap { $0.family == AF_UNIX ? nil : $0 }
        string(origin?.host ?? "127.0.0.1")
        uint32(UInt32(origin?.port ?? 0))
        return message
    }

    /// The channel type the open message goes with.
    var channelType: String { targetPath == nil ? "direct-tcpip" : "direct-streamlocal@openssh.com" }

    /// Where the channel goes, for messages.
    var targetDescription: String { targetPath ?? "\(targetHost) port \(targetPort)" }

    /// OpenSSH's direct-streamlocal@openssh.com open (PROTOCOL §2.4):
    /// string socket path, string reserved, uint32 reserved. libssh2 1.10
    /// has no call for it, but `libssh2_channel_open_ex` sends any type
    /// with any message, as it does direct-tcpip's.
    static func streamLocalMessage(path: String) -> [UInt8] {
        let bytes = Array(path.utf8)
        let length = UInt32(bytes.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            + bytes + [0, 0, 0, 0] + [0, 0, 0, 0]
    }
}

extension TunnelConnection {
    private static let counter = Atomic<Int>(2)

    /// Channel numbers for messages, unique across workers (ssh's first forwarded channel is usually 2 or 3).
    static func nextID() -> Int { counter.add(1, ordering: .relaxed).oldValue }
}
