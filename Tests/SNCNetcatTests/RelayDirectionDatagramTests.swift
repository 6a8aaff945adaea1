import Glibc
import Testing
import SNCNetcat
import SNCSocket

/// UDP through the relay direction, one datagram at a time, with scripted system calls.
@Suite struct RelayDirectionDatagramTests {
    let stdin = ScriptedDirection.stdin

    @Test func aListenerAnswersTheLastSenderWithSendto() throws {
        let socket = try ScriptedDirection.socket()
        let sender = try #require(SocketAddress(numericHost: "127.0.0.1", port: 9))
        let peer = DatagramPeer(connected: false, address: sender, accepts: { _ in true }, announce: { _ in })
        let script = RelayScript(localFlags: 0, [.text("ping"), .count(4)])
        let outbound = ScriptedDirection.outbound(script, staging: ScriptedDirection.memory(capacity: 65536), datagram: peer)
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket)
        // One read of at most the largest IPv4 UDP payload, sent as one datagram.
        #expect(script.takeTrace() == [.read(stdin, count: 65507), .sendTo(socket.descriptor, Array("ping".utf8))])
        #expect(outbound.moved == 4 && outbound.state == .open && outbound.failure == nil)
    }

    @Test func stdinWaitsUntilASenderIsKnown() throws {
        let socket = try ScriptedDirection.socket()
        let peer = DatagramPeer(connected: false, address: nil, accepts: { _ in true }, announce: { _ in })
        let script = RelayScript(localFlags: 0)
        let outbound = ScriptedDirection.outbound(script, staging: ScriptedDirection.memory(capacity: 65536), datagram: peer)
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket)
        // Nobody to send to yet: stdin is not read, and poll does not wait for it.
        #expect(script.takeTrace() == [])
        #expect(!outbound.wantsSource && outbound.state == .open)
    }

    @Test func anEarlierRefusedDatagramIsNotAFailure() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript([.fail(ECONNREFUSED)])
        let peer = DatagramPeer(connected: true, address: nil, accepts: { _ in true }, announce: { _ in })
        let inbound = ScriptedDirection.inbound(script, staging: ScriptedDirection.memory(capacity: 65536), datagram: peer)
        inbound.sourceReady = true
        inbound.sinkReady = true
        _ = inbound.pump(socket)
        // ICMP port unreachable for an earlier datagram: nc keeps listening.
        #expect(script.takeTrace() == [.read(socket.descriptor, count: 65536)])
        #expect(inbound.state == .open && inbound.failure == nil && !inbound.sourceReady)
    }
}
