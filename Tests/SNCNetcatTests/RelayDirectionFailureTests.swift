import Glibc
import Testing
import SNCNetcat
import SNCSocket

/// How a failed call ends a relay direction, with scripted system calls.
@Suite struct RelayDirectionFailureTests {
    let stdin = ScriptedDirection.stdin
    let stdout = ScriptedDirection.stdout

    @Test(arguments: [EPIPE, ECONNRESET])
    func aLostPeerEndsTheOutboundDirection(code: CInt) throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript(localFlags: 0, [.text("data"), .fail(code)])
        let outbound = ScriptedDirection.outbound(script, staging: ScriptedDirection.memory())
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket)
        #expect(script.takeTrace() == [.read(stdin, count: 64), .send(socket.descriptor, "data")])
        #expect(outbound.failure == .network(SyscallError("send", code: code)))
        #expect(outbound.state == .closed && outbound.moved == 0)
        // A failed direction never tells the peer "end of data".
        let ended = outbound.endPeerInput(socket, endedEarlier: false, halfCloses: true)
        #expect(!ended)
        #expect(script.takeTrace() == [])
    }

    @Test func aResetStillWritesOutWhatArrived() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript([.text("last words"), .fail(EAGAIN), .fail(ECONNRESET)])
        let inbound = ScriptedDirection.inbound(script, staging: ScriptedDirection.memory())
        inbound.sourceReady = true
        inbound.sinkReady = true
        _ = inbound.pump(socket)
        #expect(script.takeTrace() == [
            .read(socket.descriptor, count: 64), .write(stdout, "last words"), .read(socket.descriptor, count: 54),
        ])
        #expect(inbound.failure == .network(SyscallError("read", code: ECONNRESET)))
        #expect(inbound.state == .draining && !inbound.reachedEnd)

        inbound.sinkReady = true
        script.then([.count(10)])
        _ = inbound.pump(socket)
        #expect(script.takeTrace() == [.write(stdout, "last words")])
        #expect(inbound.state == .closed && inbound.moved == 10)
    }

    @Test func aClosedStdoutPipeEndsQuietly() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript([.text("more"), .fail(EPIPE)])
        let inbound = ScriptedDirection.inbound(script, staging: ScriptedDirection.memory())
        inbound.sourceReady = true
        inbound.sinkReady = true
        _ = inbound.pump(socket)
        #expect(script.takeTrace() == [.read(socket.descriptor, count: 64), .write(stdout, "more")])
        // `snc ... | head`: not a failure.
        #expect(inbound.state == .closed && inbound.failure == nil)
    }

    @Test func aFailingStdoutIsALocalFailure() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript([.text("more"), .fail(EIO)])
        let inbound = ScriptedDirection.inbound(script, staging: ScriptedDirection.memory())
        inbound.sourceReady = true
        inbound.sinkReady = true
        _ = inbound.pump(socket)
        #expect(script.takeTrace() == [.read(socket.descriptor, count: 64), .write(stdout, "more")])
        #expect(inbound.state == .closed && inbound.failure == .local(SyscallError("write", code: EIO)))
    }

    @Test func aFailingStdinEndsItLikeEndOfFileButSaysWhy() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript(localFlags: 0, [.fail(EIO)])
        let outbound = ScriptedDirection.outbound(script, staging: ScriptedDirection.memory())
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket)
        #expect(script.takeTrace() == [.read(stdin, count: 64)])
        #expect(outbound.state == .closed && outbound.failure == .local(SyscallError("read", code: EIO)))
        let ended = outbound.endPeerInput(socket, endedEarlier: false, halfCloses: true)
        #expect(!ended)
        #expect(script.takeTrace() == [])
    }
}
