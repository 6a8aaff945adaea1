import Testing
import SNCNetcat

/// `--verify`'s framing as a state machine: whatever the read sizes, the
/// receiver gives back exactly the data and the right verdict.
@Suite struct VerifyFramingTests {
    /// The sender's output for `data` fed in `chunkSize` reads.
    func framed(_ data: [UInt8], chunkSize: Int = 5) -> [UInt8] {
        var sender = VerifySender()
        var output: [UInt8] = []
        var start = 0
        while start < data.count {
            let end = min(start + chunkSize, data.count)
            data[start..<end].withUnsafeBytes { sender.take($0, into: &output) }
            start = end
        }
        sender.finish(into: &output)
        return output
    }

    /// What the receiver writes and concludes for `stream` arriving in `chunkSize` reads.
    func received(_ stream: [UInt8], chunkSize: Int) -> ([UInt8], VerifyReceiver.Verdict?) {
        var receiver = VerifyReceiver()
        var output: [UInt8] = []
        var start = 0
        while start < stream.count {
            let end = min(start + chunkSize, stream.count)
            stream[start..<end].withUnsafeBytes { receiver.take($0, into: &output) }
            start = end
        }
        receiver.finish(into: &output)
        return (output, receiver.verdict)
    }

    let data: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

    @Test(arguments: [1, 7, 13, 84, 85, 4096])
    func wholeStreamVerifies(chunkSize: Int) {
        let (output, verdict) = received(framed(data), chunkSize: chunkSize)
        #expect(output == data)
        guard case .verified(let bytes, _) = verdict else {
            Issue.record("verdict \(String(describing: verdict))")
            return
        }
        #expect(bytes == data.count)
    }

    @Test func emptyDataVerifies() {
        let (output, verdict) = received(framed([]), chunkSize: 3)
        #expect(output.isEmpty)
        guard case .verified(0, _) = verdict else {
            Issue.record("verdict \(String(describing: verdict))")
            return
        }
    }

    @Test(arguments: [1, 50, 4096])
    func cutShortIsTruncatedAndLosesNothing(chunkSize: Int) {
        let stream = framed(data)
        let cut = Array(stream.dropLast(1))
        let (output, verdict) = received(cut, chunkSize: chunkSize)
        // The held-back bytes were not a trailer after all: they come out as data.
        #expect(output == Array(cut.dropFirst(Array("snc-verify 1\n".utf8).count)))
        #expect(verdict == .truncated(bytes: output.count))
    }

    @Test func aChangedByteIsAMismatch() {
        var stream = framed(data)
        stream[500] ^= 0x01
        let (output, verdict) = received(stream, chunkSize: 64)
        #expect(output.count == data.count && output != data)
        guard case .mismatch(let bytes, let receivedDigest, let sentDigest) = verdict else {
            Issue.record("verdict \(String(describing: verdict))")
            return
        }
        #expect(bytes == data.count && receivedDigest != sentDigest)
    }

    @Test func aPlainStreamIsUnframedAndPassesThrough() {
        let plain = Array("hello, no header here\n".utf8)
        let (output, verdict) = received(plain, chunkSize: 2)
        #expect(output == plain)
        #expect(verdict == .unframed(bytes: plain.count))
    }

    @Test func nothingAtAllIsTruncated() {
        let (output, verdict) = received([], chunkSize: 1)
        #expect(output.isEmpty)
        #expect(verdict == .truncated(bytes: 0))
    }
}

@Suite struct ProgramCommandTests {
    @Test func execSplitsOnSpacesAsNcat() throws {
        #expect(try ProgramCommand.exec("/bin/echo a\\ b \t c").arguments == ["/bin/echo", "a b", "c"])
        #expect(try ProgramCommand.exec("  cat  ").arguments == ["cat"])
    }

    @Test func execRefusesNothingAndALoneBackslash() {
        #expect(throws: NetcatUsageError.self) { try ProgramCommand.exec("   ") }
        #expect(throws: NetcatUsageError.self) { try ProgramCommand.exec("cat \\") }
    }

    @Test func shellExecRunsShDashC() throws {
        #expect(try ProgramCommand.shell("tr a-z A-Z | rev").arguments == ["/bin/sh", "-c", "tr a-z A-Z | rev"])
        #expect(throws: NetcatUsageError.self) { try ProgramCommand.shell("") }
    }
}
