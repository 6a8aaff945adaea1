import Glibc
import Testing
import SNCNetcat
import SNCSocket

/// The relay direction's read(2)/write(2) path, with scripted system calls:
/// which calls it makes, on which descriptor, in which order, and the state
/// it is left in.
@Suite struct RelayDirectionMemoryTests {
    typealias Step = RelayScript.Step
    let stdin = ScriptedDirection.stdin
    let stdout = ScriptedDirection.stdout

    @Test func blockingStdinGetsOneReadPerReadiness() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript(localFlags: 0, [.text("hello"), .count(5)])
        let outbound = ScriptedDirection.outbound(script, staging: ScriptedDirection.memory())
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket)
        // A second read could block: poll(2) promised one.
        #expect(script.takeTrace() == [.read(stdin, count: 64), .send(socket.descriptor, "hello")])
        #expect(outbound.moved == 5)
        #expect(!outbound.sourceReady && outbound.wantsSource)
        #expect(outbound.state == .open && outbound.failure == nil)
    }

    @Test func nonBlockingStdinIsReadUntilEAGAIN() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript(localFlags: O_NONBLOCK, [.text("ab"), .count(2), .fail(EAGAIN)])
        let outbound = ScriptedDirection.outbound(script, staging: ScriptedDirection.memory())
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket)
        #expect(script.takeTrace() == [.read(stdin, count: 64), .send(socket.descriptor, "ab"), .read(stdin, count: 64)])
        // EAGAIN is a state of stdin, not an error: wait for it again.
        #expect(outbound.state == .open && outbound.failure == nil)
        #expect(!outbound.sourceReady && outbound.wantsSource)
        #expect(outbound.sinkReady && !outbound.wantsSink)
    }

    @Test func socketEAGAINKeepsTheBytesStagedUntilWritable() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript(localFlags: O_NONBLOCK, [.text("hello"), .fail(EAGAIN), .fail(EAGAIN)])
        let outbound = ScriptedDirection.outbound(script, staging: ScriptedDirection.memory())
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket)
        #expect(script.takeTrace() == [.read(stdin, count: 64), .send(socket.descriptor, "hello"), .read(stdin, count: 59)])
        #expect(outbound.state == .open && outbound.failure == nil)
        #expect(outbound.staging.pendingCount == 5 && outbound.moved == 0)
        #expect(!outbound.sinkReady && outbound.wantsSink)

        // poll(2) reports the socket writable.
        outbound.sinkReady = true
        script.then([.count(5)])
        _ = outbound.pump(socket)
        #expect(script.takeTrace() == [.send(socket.descriptor, "hello")])
        #expect(outbound.staging.pendingCount == 0 && outbound.moved == 5)
    }

    @Test func interruptedCallsAreRepeated() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript(localFlags: O_NONBLOCK, [.fail(EINTR), .text("hi"), .fail(EINTR), .count(2), .fail(EAGAIN)])
        let outbound = ScriptedDirection.outbound(script, staging: ScriptedDirection.memory())
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket)
        #expect(script.takeTrace() == [
            .read(stdin, count: 64), .read(stdin, count: 64),
            .send(socket.descriptor, "hi"), .send(socket.descriptor, "hi"),
            .read(stdin, count: 64),
        ])
        #expect(outbound.moved == 2 && outbound.failure == nil && outbound.state == .open)
    }

    @Test func aPartialWriteKeepsTheRestStagedAndSendsItNext() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript(localFlags: 0, [.text("hello"), .count(2), .count(3)])
        let outbound = ScriptedDirection.outbound(script, staging: ScriptedDirection.memory())
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket)
        #expect(script.takeTrace() == [.read(stdin, count: 64), .send(socket.descriptor, "hello"), .send(socket.descriptor, "llo")])
        #expect(outbound.moved == 5 && outbound.staging.pendingCount == 0)
    }

    @Test func endOfStdinDrainsThenShutsDownTheSocketOnce() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript(localFlags: O_NONBLOCK, [.text("abc"), .fail(EAGAIN), .endOfFile])
        let outbound = ScriptedDirection.outbound(script, staging: ScriptedDirection.memory())
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket)
        #expect(script.takeTrace() == [.read(stdin, count: 64), .send(socket.descriptor, "abc"), .read(stdin, count: 61)])
        #expect(outbound.state == .draining && outbound.reachedEnd)
        #expect(!outbound.wantsSource && outbound.wantsSink)
        // Bytes are still staged: the peer must not see EOF yet.
        let endedWhileStaged = outbound.endPeerInput(socket, endedEarlier: false, halfCloses: true)
        #expect(!endedWhileStaged)
        #expect(script.takeTrace() == [])

        outbound.sinkReady = true
        script.then([.count(1), .count(2)])
        _ = outbound.pump(socket)
        #expect(script.takeTrace() == [.send(socket.descriptor, "abc"), .send(socket.descriptor, "bc")])
        #expect(outbound.state == .closed && outbound.failure == nil && outbound.moved == 3)

        script.then([.count(0)])
        let ended = outbound.endPeerInput(socket, endedEarlier: false, halfCloses: true)
        #expect(ended)
        #expect(script.takeTrace() == [.shutdown(socket.descriptor, how: CInt(SHUT_WR))])
    }

    @Test func noShutdownLeavesTheSocketOpen() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript(localFlags: O_NONBLOCK, [.endOfFile])
        let outbound = ScriptedDirection.outbound(script, staging: ScriptedDirection.memory())
        outbound.sourceReady = true
        _ = outbound.pump(socket)
        #expect(script.takeTrace() == [.read(stdin, count: 64)])
        #expect(outbound.state == .closed && outbound.reachedEnd)
        // --no-shutdown: the direction ended cleanly, but no shutdown(2).
        let ended = outbound.endPeerInput(socket, endedEarlier: false, halfCloses: false)
        #expect(ended)
        #expect(script.takeTrace() == [])
    }

    @Test func peerEndOfDataClosesInboundAtOnceWhenNothingIsStaged() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript([.endOfFile])
        let inbound = ScriptedDirection.inbound(script, staging: ScriptedDirection.memory())
        inbound.sourceReady = true
        inbound.sinkReady = true
        _ = inbound.pump(socket)
        #expect(script.takeTrace() == [.read(socket.descriptor, count: 64)])
        #expect(inbound.state == .closed && inbound.reachedEnd && inbound.failure == nil)
    }

    @Test func peerEndOfDataWithStdoutFullDrainsFirst() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript([.text("xyz"), .fail(EAGAIN), .endOfFile])
        let inbound = ScriptedDirection.inbound(script, staging: ScriptedDirection.memory())
        inbound.sourceReady = true
        inbound.sinkReady = true
        _ = inbound.pump(socket)
        #expect(script.takeTrace() == [.read(socket.descriptor, count: 64), .write(stdout, "xyz"), .read(socket.descriptor, count: 61)])
        #expect(inbound.state == .draining && inbound.reachedEnd)

        inbound.sinkReady = true
        script.then([.count(3)])
        _ = inbound.pump(socket)
        #expect(script.takeTrace() == [.write(stdout, "xyz")])
        #expect(inbound.state == .closed && inbound.moved == 3)
    }

    @Test func crlfWritesEachBareLineFeedAsCRLF() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript(localFlags: 0, [.text("a\nb\r\nx\r"), .count(8)])
        let outbound = ScriptedDirection.outbound(script, staging: ScriptedDirection.memory(), crlf: true)
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket)
        // -C reads at most half the free space: every byte may become two.
        #expect(script.takeTrace() == [.read(stdin, count: 32), .send(socket.descriptor, "a\r\nb\r\nx\r")])

        // The CR that ended the last read and this LF are one CR LF already.
        outbound.sourceReady = true
        script.then([.text("\ny\n"), .count(4)])
        _ = outbound.pump(socket)
        #expect(script.takeTrace() == [.read(stdin, count: 32), .send(socket.descriptor, "\ny\r\n")])
        #expect(outbound.moved == 12)
    }

    @Test func sendOnlyReadsAndDropsWithoutWriting() throws {
        let socket = try ScriptedDirection.socket()
        let script = RelayScript([.text("abc"), .fail(EAGAIN)])
        let inbound = ScriptedDirection.inbound(script, staging: ScriptedDirection.memory(), discards: true)
        inbound.sourceReady = true
        _ = inbound.pump(socket)
        #expect(script.takeTrace() == [.read(socket.descriptor, count: 64), .read(socket.descriptor, count: 64)])
        #expect(inbound.moved == 3 && inbound.staging.pendingCount == 0 && inbound.state == .open)
    }

    @Test func onePumpStopsAfterItsBudgetSoTheOtherDirectionGetsATurn() throws {
        let socket = try ScriptedDirection.socket()
        let rounds = 16
        let script = RelayScript(localFlags: O_NONBLOCK, Array(repeating: [Step.text("z"), .count(1)], count: rounds + 1).flatMap { $0 })
        let outbound = ScriptedDirection.outbound(script, staging: ScriptedDirection.memory())
        outbound.sourceReady = true
        outbound.sinkReady = true
        _ = outbound.pump(socket, budget: rounds)
        #expect(script.takeTrace().count == 2 * rounds)
        #expect(outbound.moved == rounds && outbound.canProgress)
    }
}
