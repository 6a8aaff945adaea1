import SNCLab
import Glibc
import Testing

/// Builds records without a network: what the engines hand in.
private func record(at milliseconds: UInt64, total: UInt64 = 2, connect: UInt64? = 1, _ outcome: ClientOutcome = .completed) -> ClientRecord {
    ClientRecord(finishedAt: milliseconds * 1_000_000, connectNanoseconds: connect.map { $0 * 1_000_000 },
                 totalNanoseconds: total * 1_000_000, bytesSent: 1024, bytesReceived: 100, outcome: outcome)
}

private func level(_ concurrency: Int, _ records: [ClientRecord], counters: [String: Int64] = [:], seconds: Double = 0.5) -> LevelReport {
    LevelReport(concurrency: concurrency, clientsRunning: concurrency, records: records, seconds: seconds,
                counters: KernelCounters(values: counters), timeWaitSockets: 10)
}

private func report(_ levels: [LevelReport], system: SystemFigures = SystemFigures(somaxconn: 4096, localPortLow: 32768, localPortHigh: 60999)) -> LoadReport {
    LoadReport(target: "127.0.0.1:5555", targetIsLoopback: true, engine: "epoll", messageBytes: 1024, timeoutSeconds: 10,
               sources: [], system: system, levels: levels, interrupted: false)
}

/// How many times `needle` occurs in `text` (no Foundation in tests).
private func occurrences(of needle: String, in text: String) -> Int {
    let haystack = Array(text.utf8), pattern = Array(needle.utf8)
    guard !pattern.isEmpty, haystack.count >= pattern.count else { return 0 }
    var count = 0
    var index = 0
    while index <= haystack.count - pattern.count {
        if haystack[index..<(index + pattern.count)].elementsEqual(pattern) {
            count += 1
            index += pattern.count
        } else {
            index += 1
        }
    }
    return count
}

@Suite struct LevelReportTests {
    @Test func countsOutcomesByCause() {
        let records = [record(at: 10), record(at: 20), record(at: 30, connect: nil, .refused), record(at: 40, .reset),
                       record(at: 50, connect: nil, .connectTimedOut), record(at: 60, .replyTimedOut), record(at: 70, .badReceipt),
                       record(at: 80, connect: nil, .clientLimit(EADDRNOTAVAIL)), record(at: 90, connect: nil, .other(24))]
        let summary = level(10, records)
        #expect(summary.connections == 9)
        #expect(summary.completed == 2)
        // Out of ports is a limit of the load generator, not a failure of the server.
        #expect(summary.failed == 6)
        #expect(summary.clientLimited == 1)
        let failures = summary.failures
        #expect([failures.refused, failures.reset, failures.timedOutConnecting, failures.timedOutWaitingForReply, failures.badReceipt, failures.noLocalPort]
            == [1, 1, 1, 1, 1, 1])
        #expect(failures.other == ["EMFILE": 1])
        #expect(failures.clientLimits == ["EADDRNOTAVAIL": 1])
        #expect(summary.trouble == ["6 failed"])
    }

    @Test func percentilesComeFromTheHistogram() {
        let records = (1...100).map { record(at: UInt64($0), total: UInt64($0), connect: 1) }
        let summary = level(10, records)
        #expect(summary.exchangeLatency.count == 100)
        #expect(abs(summary.exchangeLatency.p50 - 50) < 0.1)
        #expect(abs(summary.exchangeLatency.p99 - 99) < 0.1)
        #expect(abs(summary.exchangeLatency.max - 100) < 0.1)
        #expect(abs(summary.connectLatency.p90 - 1) < 0.01)
        #expect(abs(summary.connectionsPerSecond - 200) < 0.001)
    }

    @Test func ioSeriesBucketsPer100Milliseconds() {
        let records = [record(at: 5), record(at: 95), record(at: 150), record(at: 250, .reset), record(at: 260)]
        let series = level(10, records, seconds: 0.3).ioGraph
        #expect(series.intervalMilliseconds == 100)
        #expect(series.completed == [2, 1, 1])
        #expect(series.errors == [0, 0, 1])
        #expect(series.bytes == [2248, 1124, 2248])
    }

    @Test func clientLimitsAreNeitherFailuresNorTroubleNorErrorBars() {
        let records = [record(at: 5), record(at: 10, connect: nil, .clientLimit(EMFILE)), record(at: 20, connect: nil, .clientLimit(EMFILE))]
        let summary = level(10, records, seconds: 0.1)
        #expect(summary.failed == 0 && summary.completed == 1 && summary.clientLimited == 2)
        #expect(summary.failures.clientLimits == ["EMFILE": 2] && summary.failures.other.isEmpty)
        #expect(summary.trouble.isEmpty)
        #expect(summary.ioGraph.errors == [0])
        let full = report([summary], system: SystemFigures(openFileLimit: 300, openFileHardLimit: 300))
        let note = full.notes.first { $0.contains("EMFILE") }
        #expect(note?.contains("load generator") == true && note?.contains("300") == true && note?.contains("ulimit") == true)
        #expect(ReportText.single(full).contains("not run    2"))
    }

    @Test func kernelDropsAreTroubleEvenWithoutFailures() {
        let summary = level(1000, [record(at: 1)], counters: ["TcpExt.ListenOverflows": 5, "TcpExt.ListenDrops": 5, "TcpExt.TCPSynRetrans": 5])
        #expect(summary.trouble == ["5 accept queue overflows", "5 SYN retransmits"])
        #expect(summary.counter("ListenOverflows") == 5)
    }
}

@Suite struct LoadReportTests {
    @Test func firstTroubleLevelIsMarked() {
        let quiet = level(10, [record(at: 1)])
        let loud = level(500, [record(at: 1)], counters: ["TcpExt.ListenOverflows": 3])
        let full = report([quiet, loud, level(1000, [record(at: 1, .reset)])])
        #expect(full.firstTroubleConcurrency == 500)
        #expect(ReportText.tableRow(loud, firstTrouble: true).contains("<- errors/drops start here"))
        #expect(!ReportText.tableRow(quiet, firstTrouble: false).contains("<-"))
        #expect(full.notes.contains { $0.contains("accept queue") && $0.contains("1 s, 3 s, 7 s") && $0.contains("somaxconn = 4096") })
        #expect(full.notes.contains { $0.contains("first appeared at 500") })
    }

    @Test func runningOutOfPortsIsExplained() {
        let full = report([level(10, [record(at: 1), record(at: 2, connect: nil, .clientLimit(EADDRNOTAVAIL))])])
        let note = full.notes.first { $0.contains("EADDRNOTAVAIL") }
        #expect(note?.contains("TIME_WAIT") == true)
        #expect(note?.contains("--source 127.0.0.2-127.0.0.9") == true)
        #expect(note?.contains("32768-60999") == true)
    }

    @Test func aCleanSweepSaysSo() {
        let full = report([level(10, [record(at: 1)]), level(20, [record(at: 1)])])
        #expect(full.firstTroubleConcurrency == nil)
        #expect(full.notes.contains { $0.contains("No errors or drops") })
    }

    @Test func singleReportNamesCountersInWords() {
        let text = ReportText.single(report([level(100, [record(at: 1)], counters: ["TcpExt.ListenOverflows": 7, "Tcp.ActiveOpens": 1])]))
        #expect(text.contains("accept queue overflowed"))
        #expect(text.contains("(ListenOverflows)"))
        #expect(text.contains("p50") && text.contains("p99") && text.contains("max"))
        #expect(text.contains("connect") && text.contains("exchange"))
    }

    @Test func repeatsGiveOneFirstTroublePerRunAndTheMedian() {
        func run(_ concurrency: Int, _ number: Int, trouble: Bool) -> LevelReport {
            var report = level(concurrency, [record(at: 1)], counters: trouble ? ["TcpExt.ListenOverflows": 1] : [:])
            report.run = number
            return report
        }
        let levels = [run(10, 1, trouble: false), run(10, 2, trouble: true), run(10, 3, trouble: false),
                      run(20, 1, trouble: true), run(20, 2, trouble: true), run(20, 3, trouble: false)]
        let full = LoadReport(target: "t", targetIsLoopback: true, engine: "epoll", messageBytes: 1, timeoutSeconds: 1,
                              sources: [], system: SystemFigures(), levels: levels, interrupted: false, repeats: 3)
        #expect(full.firstTroubleRuns == [20, 10, nil])
        #expect(full.firstTroubleConcurrency == 20)
        #expect(RunMedian.firstTrouble([nil, nil, 10]) == nil)
        #expect(RunMedian.of([5, 1, 3, 2]) == 2)
        let row = ReportText.repeatTableRow(Array(levels[3...]))
        #expect(row.contains("2/3"))
        #expect(row.contains("1 [0-1]"))
    }

    @Test func anInterruptedRunNamesItsLevel() {
        let stopped = LoadReport(target: "t", targetIsLoopback: true, engine: "epoll", messageBytes: 1, timeoutSeconds: 1,
                                 sources: [], system: SystemFigures(), levels: [level(10, [record(at: 1)]), level(20, [record(at: 1)])], interrupted: true)
        #expect(stopped.interruptedAtConcurrency == 20)
        let line = ReportText.interruptedLine(stopped) ?? ""
        #expect(line.contains("interrupted") && line.contains("20 clients") && line.contains("level 2"))
        #expect(!line.contains("level 2 of"))  // no planned count given
        #expect(ReportText.tableFooter(stopped).contains(line))
    }

    @Test func jsonHasSnakeCaseKeys() {
        let json = ReportJSON.encode(report([level(10, [record(at: 1, .reset)])]))
        #expect(json.contains("\"first_trouble_concurrency\""))
        #expect(json.contains("\"connections_per_second\""))
        #expect(json.contains("\"io_graph\""))
        let clean = ReportJSON.encode(report([level(10, [record(at: 1)])]))
        #expect(clean.contains("\"first_trouble_concurrency\" : null"))
    }
}

@Suite struct IOGraphTests {
    @Test func onePanelPerLevelWithSeries() {
        let levels = [level(10, [record(at: 5), record(at: 150, .reset)]), level(20, [record(at: 5)]), level(50, [record(at: 5)])]
        let svg = IOGraph.svg(for: report(levels))
        #expect(svg.hasPrefix("<?xml"))
        #expect(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(occurrences(of: "<g class=\"panel\"", in: svg) == 3)
        #expect(occurrences(of: "<polyline class=\"completed\"", in: svg) == 3)
        #expect(occurrences(of: "<polyline class=\"bytes\"", in: svg) == 3)
        #expect(occurrences(of: "<rect class=\"errors\"", in: svg) == 1)
        #expect(svg.contains("data-clients=\"20\""))
        // Every element opened is closed: the same number of <g and </g>.
        #expect(occurrences(of: "<g ", in: svg) == occurrences(of: "</g>", in: svg))
    }

    @Test func capturedAnalysisFlagsAreALineOnTheEventsScale() {
        var captured = level(10, [record(at: 5), record(at: 150)], seconds: 0.3)
        var flags = [String: [Int64]]()
        flags[TCPAnalysisFlag.retransmission.rawValue] = [0, 3, 0]
        flags[TCPAnalysisFlag.fastRetransmission.rawValue] = [0, 2, 0]  // also under retransmission
        flags[TCPAnalysisFlag.duplicateAck.rawValue] = [1, 0, 0]
        flags[TCPAnalysisFlag.reset.rawValue] = [0, 0, 9]  // no analysis flag
        captured.ioGraph.capture = flags
        #expect(IOGraph.captureFlags(captured.ioGraph) == [1, 3, 0])
        let svg = IOGraph.svg(for: report([captured, level(20, [record(at: 5)])]))
        #expect(occurrences(of: "<polyline class=\"capture-flags\"", in: svg) == 1)
        #expect(svg.contains("legend-capture-flags") && svg.contains("TCP analysis flags in the capture"))
        // The events scale reaches the line's highest value (3), not only the bars' (none: 1).
        #expect(svg.contains(">3 events per 100 ms<"))
        let plain = IOGraph.svg(for: report([level(10, [record(at: 5)])]))
        #expect(!plain.contains("capture-flags"))
    }

    @Test func kernelEventsAreBarsWithALegendAndLongTitlesWrap() {
        var timeline = KernelTimeline(start: KernelCounters(values: ["Tcp.RetransSegs": 10, "TcpExt.ListenDrops": 1]), startedAt: 0)
        timeline.record(KernelCounters(values: ["Tcp.RetransSegs": 14, "TcpExt.ListenDrops": 3]), at: 100_000_000)
        timeline.finish(with: KernelCounters(values: ["Tcp.RetransSegs": 15, "TcpExt.ListenDrops": 3]))
        var busy = LevelReport(concurrency: 10, clientsRunning: 10, records: [record(at: 5), record(at: 150)], seconds: 0.2,
                               counters: KernelCounters(values: ["Tcp.RetransSegs": 5, "TcpExt.ListenDrops": 2]), timeWaitSockets: nil, timeline: timeline)
        busy.trouble = Array(repeating: "123456 accept queue overflows", count: 8)
        let svg = IOGraph.svg(for: report([busy, level(20, [record(at: 5)])]))
        #expect(occurrences(of: "<rect class=\"tcp-retransmissions\"", in: svg) == 2)
        #expect(occurrences(of: "<rect class=\"tcp-drops-resets\"", in: svg) == 1)
        #expect(svg.contains("TCP retransmissions") && svg.contains("TCP drops and resets") && svg.contains("failed clients"))
        let titleLines = IOGraph.title(for: busy, isFirstTrouble: true, repeats: 1)
        #expect(titleLines.count > 1)
        #expect(titleLines.allSatisfy { $0.count <= IOGraph.titleCharacters })
    }

    @Test func textIsEscaped() {
        var levels = [level(10, [record(at: 1)])]
        levels[0].trouble = ["<&>"]
        let svg = IOGraph.svg(for: LoadReport(target: "a<b&c", targetIsLoopback: true, engine: "epoll", messageBytes: 1, timeoutSeconds: 1,
                                              sources: [], system: SystemFigures(), levels: levels, interrupted: false))
        #expect(svg.contains("a&lt;b&amp;c"))
        #expect(svg.contains("&lt;&amp;&gt;"))
        #expect(!svg.contains("a<b"))
    }
}

@Suite struct ServeSummaryTests {
    @Test func linesCountEveryOutcome() {
        let summary = ServeSummary(accepted: 12, active: 0, peakActive: 4, succeeded: 6, tooLong: 1, idle: 1, messageTimeouts: 2, reset: 1, failed: 1,
                                   turnedAway: 0, bytesReceived: 2048, acceptPauses: 3, threadPauses: 0, seconds: 2)
        let text = summary.lines.joined(separator: "\n")
        #expect(text.contains("12 clients in 2.00 s (6.0 per second): 6 ok, 1 message too long, 1 idle, 2 message timeout, 1 reset, 1 errors"))
        #expect(text.contains("2.0 KiB received; at most 4 clients at once"))
        #expect(text.contains("accept paused 3 times"))
        #expect(!text.contains("cut off"))
    }
}

@Suite struct NobodyCompletedTests {
    @Test func aRunWhereEveryClientFailedSaysHowInOneLine() {
        let refused = (0..<20).map { record(at: UInt64($0), connect: nil, .refused) }
        #expect(ReportText.nobodyCompleted(report([level(5, refused)]))
                == "no client completed an exchange with 127.0.0.1:5555: all 20 failed (refused 20)")
        // Over every level of a sweep, biggest cause first.
        let mixed = [record(at: 1, .reset), record(at: 2, .badReceipt), record(at: 3, .badReceipt), record(at: 4, .other(24))]
        #expect(ReportText.nobodyCompleted(report([level(5, refused), level(10, mixed)]))
                == "no client completed an exchange with 127.0.0.1:5555: all 24 failed (refused 20, bad receipt 2, reset 1, EMFILE 1)")
    }

    @Test func oneCompletedExchangeAnywhereIsASuccessfulRun() {
        let refused = (0..<20).map { record(at: UInt64($0), connect: nil, .refused) }
        #expect(ReportText.nobodyCompleted(report([level(5, refused), level(10, [record(at: 1)])])) == nil)
        #expect(ReportText.nobodyCompleted(report([level(5, refused + [record(at: 99)])])) == nil)
    }
}
