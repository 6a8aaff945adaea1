import SNCLab
import Testing

@Suite struct KernelTimelineTests {
    private func counters(_ retrans: Int64, _ resets: Int64) -> KernelCounters {
        KernelCounters(values: ["Tcp.RetransSegs": retrans, "Tcp.OutRsts": resets])
    }

    @Test func intervalsAddUpToTheLevelsGrowth() {
        let start = counters(100, 7)
        var timeline = KernelTimeline(start: start, startedAt: 1_000)
        #expect(!timeline.isDue(now: 1_000 + 99_999_999))
        #expect(timeline.isDue(now: 1_000 + 100_000_000))
        timeline.record(counters(103, 7), at: 1_000 + 100_000_000)
        // A late sample: two intervals ended; the skipped one stays 0.
        timeline.record(counters(110, 8), at: 1_000 + 320_000_000)
        let end = counters(111, 9)
        timeline.finish(with: end)
        let series = timeline.series(intervals: 4)
        #expect(series["Tcp.RetransSegs"] == [3, 0, 7, 1])
        #expect(series["Tcp.OutRsts"] == [0, 0, 1, 1])
        for (key, values) in series {
            #expect(values.reduce(0, +) == end.delta(since: start)[key])
        }
        // Fewer intervals than samples: the rest folds into the last, sums unchanged.
        #expect(timeline.series(intervals: 2)["Tcp.RetransSegs"] == [3, 8])
        #expect(Set(series.keys) == Set(KernelTimeline.keys))
    }
}

@Suite struct MessageReaderTests {
    private func read(_ chunks: [[UInt8]], end: MessageEnd) -> (complete: Bool, receipt: String) {
        var reader = MessageReader(end: end)
        var complete = false
        for chunk in chunks where !complete {
            complete = chunk.withUnsafeBytes { reader.take($0) }
        }
        return (complete, reader.receipt())
    }

    private func receipt(_ text: String) -> String {
        var whole = MessageReader(end: .eof)
        _ = Array(text.utf8).withUnsafeBytes { whole.take($0) }
        return whole.receipt()
    }

    @Test func lineModeEndsAtTheFirstNewlineAndDropsOneCarriageReturn() {
        #expect(read([Array("hello\nmore".utf8)], end: .line) == (true, receipt("hello")))
        #expect(read([Array("hello\r\n".utf8)], end: .line) == (true, receipt("hello")))
        // A CR at the end of one read and the LF in the next.
        #expect(read([Array("hel".utf8), Array("lo\r".utf8), Array("\nx".utf8)], end: .line) == (true, receipt("hello")))
        // A CR that turns out to be data.
        #expect(read([Array("a\r".utf8), Array("b\n".utf8)], end: .line) == (true, receipt("a\rb")))
        // No newline: the end of file ends the message, a trailing CR included.
        #expect(read([Array("abc\r".utf8)], end: .line) == (false, receipt("abc\r")))
    }

    @Test func eofModeTakesEveryByte() {
        #expect(read([Array("a\nb\r\n".utf8)], end: .eof) == (false, receipt("a\nb\r\n")))
    }
}
