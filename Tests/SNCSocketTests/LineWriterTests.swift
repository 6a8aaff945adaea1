import Synchronization
import Testing
import Glibc
import SNCSocket

// Serialized: a writer blocked on a full pipe holds the process-wide lock,
// and the other tests' writes would then take the cooperative threads that
// the reading test needs.
@Suite(.serialized) struct LineWriterTests {
    /// Reads from `descriptor` until `count` bytes arrived, end of file, or 20 s passed.
    private func readBytes(_ descriptor: CInt, count: Int) -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        let deadline = Deadline(seconds: 20)
        while received.count < count && !deadline.hasPassed {
            guard (try? Poll.wait(for: descriptor, .readable, timeoutMilliseconds: deadline.remainingMilliseconds))?.isEmpty == false else { continue }
            let got = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got > 0 { received += chunk[..<got] } else if got == 0 || errno != EINTR { break }
        }
        return received
    }

    @Test func linesFromManyThreadsArriveWhole() throws {
        let pipe = try Descriptor.makePipe()
        let writer = LineWriter(descriptor: pipe.writeEnd)
        // Lines longer than PIPE_BUF (4096): the kernel alone would let them interleave.
        let threads = 8, linesEach = 40, lineLength = 10_000
        var workers: [PosixThread] = []
        for thread in 0..<threads {
            let letter = Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(thread)))
            workers.append(try PosixThread {
                for _ in 0..<linesEach { writer.line(String(repeating: letter, count: lineLength)) }
            })
        }
        let received = readBytes(pipe.readEnd, count: threads * linesEach * (lineLength + 1))
        // Should the reading stop early, writers blocked on the full pipe get EPIPE (not SIGPIPE) and end.
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        _ = close(pipe.readEnd)
        for worker in workers { worker.join() }
        _ = close(pipe.writeEnd)
        #expect(received.count == threads * linesEach * (lineLength + 1))
        let lines = received.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == threads * linesEach)
        for line in lines {
            #expect(line.count == lineLength && line.allSatisfy { $0 == line.first })
        }
    }

    @Test func aLineGetsOneNewlineAndTextIsWrittenAsGiven() throws {
        let pipe = try Descriptor.makePipe()
        defer { _ = close(pipe.readEnd) }
        let writer = LineWriter(descriptor: pipe.writeEnd)
        writer.line("one")
        writer.line("two\n")
        writer.write("progress\r")
        _ = close(pipe.writeEnd)
        #expect(readBytes(pipe.readEnd, count: 100) == Array("one\ntwo\nprogress\r".utf8))
    }

    @Test func aClosedDescriptorIsNotACrash() throws {
        let pipe = try Descriptor.makePipe()
        _ = close(pipe.readEnd)
        // SIGPIPE would end the test process: ignore it as snc does at startup.
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        LineWriter(descriptor: pipe.writeEnd).line("nobody reads this")
        _ = close(pipe.writeEnd)
        LineWriter(descriptor: pipe.writeEnd).line("nor this: the descriptor is closed")
    }
}
