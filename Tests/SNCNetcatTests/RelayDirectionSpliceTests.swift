import Glibc
import Testing
import SNCNetcat
import SNCSocket

/// The relay direction's splice(2) paths, with scripted system calls.
@Suite struct RelayDirectionSpliceTests {
    let stdin = ScriptedDirection.stdin
    let stdout = ScriptedDirection.stdout
    let chunk = RelayDirection.spliceChunk

    @Test func directSpliceMovesUntilEitherEndWouldBlock() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript([.count(1000), .fail(EINTR), .count(24), .fail(EAGAIN)])
        let outbound = ScriptedDirection.outbound(script, staging: .direct)
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket)
        let splice = RelayScript.Call.splice(from: stdin, to: socket.descriptor, count: chunk)
        #expect(script.takeTrace() == [splice, splice, splice, splice])
        #expect(outbound.moved == 1024 && outbound.state == .open && outbound.failure == nil)
        // splice(2)'s EAGAIN does not say which end: poll both.
        #expect(outbound.wantsSource && outbound.wantsSink)
    }

    @Test func directSpliceEndOfInputClosesAndShutsDown() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript([.endOfFile, .count(0)])
        let outbound = ScriptedDirection.outbound(script, staging: .direct)
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket)
        #expect(outbound.state == .closed && outbound.reachedEnd)
        let ended = outbound.endPeerInput(socket, endedEarlier: false, halfCloses: true)
        #expect(ended)
        #expect(script.takeTrace() == [
            .splice(from: stdin, to: socket.descriptor, count: chunk), .shutdown(socket.descriptor, how: CInt(SHUT_WR)),
        ])
    }

    @Test func directSpliceResetIsANetworkFailure() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript([.fail(ECONNRESET)])
        let inbound = ScriptedDirection.inbound(script, staging: .direct)
        inbound.sourceReady = true
        inbound.sinkReady = true
        _ = inbound.pump(socket)
        #expect(script.takeTrace() == [.splice(from: socket.descriptor, to: stdout, count: chunk)])
        #expect(inbound.failure == .network(SyscallError("splice", code: ECONNRESET)) && inbound.state == .closed)
    }

    @Test func aPairThatCannotBeSplicedIsCopiedInstead() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript(localFlags: 0, [.fail(EINVAL), .text("data"), .count(4)])
        let outbound = ScriptedDirection.outbound(script, staging: .direct)
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket)
        #expect(script.takeTrace() == [
            .splice(from: stdin, to: socket.descriptor, count: chunk),
            .read(stdin, count: RelayDirection.memoryCapacity), .send(socket.descriptor, "data"),
        ])
        guard case .memory = outbound.staging else {
            Issue.record("still splicing after EINVAL: \(outbound.staging)")
            return
        }
        #expect(outbound.moved == 4 && outbound.failure == nil && outbound.state == .open)
    }

    @Test func socketToFileGoesThroughThePrivatePipe() throws {
        let socket = try ScriptedDirection.socket()
        let stage = try PipeStage()
        let script = RelayScript([.count(100), .count(100), .fail(EAGAIN)])
        let inbound = ScriptedDirection.inbound(script, staging: .kernelPipe(stage), localKind: .regularFile)
        inbound.sourceReady = true
        inbound.sinkReady = true
        _ = inbound.pump(socket)
        #expect(script.takeTrace() == [
            .splice(from: socket.descriptor, to: stage.pipe.writeEnd, count: chunk),
            .splice(from: stage.pipe.readEnd, to: stdout, count: 100),
            .splice(from: socket.descriptor, to: stage.pipe.writeEnd, count: chunk),
        ])
        #expect(inbound.moved == 100 && stage.buffered == 0 && !inbound.sourceReady && inbound.state == .open)
    }

    @Test func aSinkThatRefusesSpliceGetsThePipedBytesFromMemory() throws {
        let socket = try ScriptedDirection.socket()
        let stage = try PipeStage()
        // In: 5 bytes; out: EINVAL (an O_APPEND file); the 5 bytes read back from the pipe.
        let script = RelayScript([.count(5), .fail(EINVAL), .text("12345"), .fail(EAGAIN), .count(5)])
        let inbound = ScriptedDirection.inbound(script, staging: .kernelPipe(stage), localKind: .regularFile)
        inbound.sourceReady = true
        inbound.sinkReady = true
        _ = inbound.pump(socket)
        #expect(script.takeTrace() == [
            .splice(from: socket.descriptor, to: stage.pipe.writeEnd, count: chunk),
            .splice(from: stage.pipe.readEnd, to: stdout, count: 5),
            .read(stage.pipe.readEnd, count: RelayDirection.memoryCapacity),
            .read(socket.descriptor, count: RelayDirection.memoryCapacity - 5),
            .write(stdout, "12345"),
        ])
        guard case .memory = inbound.staging else {
            Issue.record("still splicing after EINVAL: \(inbound.staging)")
            return
        }
        #expect(inbound.moved == 5 && inbound.staging.pendingCount == 0 && inbound.failure == nil)
    }
}
