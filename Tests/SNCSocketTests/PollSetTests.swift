import Testing
import Glibc
import SNCSocket

@Suite struct PollSetTests {
    @Test func slotsKeepTheirIndexAndUnwantedOnesAreSkipped() throws {
        let pipe = try Descriptor.makePipe()
        defer { _ = close(pipe.readEnd); _ = close(pipe.writeEnd) }
        var set = PollSet()
        let unwanted = set.add(pipe.readEnd, waitingFor: .readable, if: false)
        let nothingAsked = set.add(pipe.writeEnd, waitingFor: [])
        #expect(set.isEmpty)
        let output = set.add(pipe.writeEnd, waitingFor: .writable)
        let input = set.add(pipe.readEnd, waitingFor: .readable)
        #expect((unwanted, nothingAsked, output, input) == (0, 1, 2, 3))
        #expect(!set.isEmpty)
        // Only the write end is ready: the read end has nothing yet.
        #expect(try set.wait(timeoutMilliseconds: 1000) == 1)
        #expect(set.reported(output).contains(.writable))
        #expect(set.reported(input).isEmpty)
        #expect(set.reported(unwanted).isEmpty && set.reported(nothingAsked).isEmpty)

        #expect(write(pipe.writeEnd, "x", 1) == 1)
        set.removeAll()
        #expect(set.count == 0)
        let again = set.add(pipe.readEnd, waitingFor: .readable)
        #expect(try set.wait(timeoutMilliseconds: 1000) == 1)
        #expect(set.isReady(again, for: .readable))
    }

    @Test func aHangUpCountsAsReady() throws {
        let pipe = try Descriptor.makePipe()
        defer { _ = close(pipe.readEnd) }
        _ = close(pipe.writeEnd)
        var set = PollSet()
        let input = set.add(pipe.readEnd, waitingFor: .readable)
        #expect(try set.wait(timeoutMilliseconds: 1000) == 1)
        #expect(!set.reported(input).isDisjoint(with: .hangUp))
        #expect(set.isReady(input, for: .readable))
        #expect(set.isReady(input, for: .writable))
    }

    @Test func aGroupOfDescriptorsGetsConsecutiveSlotsInItsOrder() throws {
        let first = try Descriptor.makePipe()
        let second = try Descriptor.makePipe()
        defer { for end in [first.readEnd, first.writeEnd, second.readEnd, second.writeEnd] { _ = close(end) } }
        var set = PollSet()
        set.add(first.writeEnd, waitingFor: .writable, if: false)
        let paused = set.add(contentsOf: [first.readEnd, second.readEnd], waitingFor: .readable, if: false)
        #expect(paused == 1..<3)
        #expect(set.isEmpty)

        set.removeAll()
        let none = set.add(contentsOf: [CInt](), waitingFor: .readable)
        #expect(none.isEmpty && set.count == 0)
        let inputs = set.add(contentsOf: [first.readEnd, second.readEnd].lazy.map { $0 }, waitingFor: .readable)
        #expect(inputs == 0..<2)
        #expect(write(second.writeEnd, "x", 1) == 1)
        #expect(try set.wait(timeoutMilliseconds: 1000) == 1)
        #expect(set.reported(inputs.lowerBound).isEmpty)
        #expect(set.reported(inputs.upperBound - 1) == .readable)
    }

    @Test func oneDescriptorForBothDirectionsTakesOneSlot() throws {
        var pair: [CInt] = [-1, -1]
        #expect(socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { _ = close(pair[0]) }
        var set = PollSet()
        let quiet = set.add(reading: pair[0], if: false, writing: pair[0], if: false)
        #expect(quiet.read == 0 && quiet.write == 0 && set.isEmpty)

        set.removeAll()
        let both = set.add(reading: pair[0], if: true, writing: pair[0], if: true)
        #expect(both.read == both.write && set.count == 1)
        #expect(try set.wait(timeoutMilliseconds: 1000) == 1)
        #expect(set.isWritable(both) && !set.isReadable(both))

        // Only reading asked: the peer's close is a hang-up, which readies both sides.
        set.removeAll()
        let reading = set.add(reading: pair[0], if: true, writing: pair[0], if: false)
        _ = close(pair[1])
        #expect(try set.wait(timeoutMilliseconds: 1000) == 1)
        #expect(set.reported(reading.read).contains(.readable))
        #expect(set.isReadable(reading) && set.isWritable(reading))
    }

    @Test func separateInputAndOutputAreEachAskedAboutTheirOwnDirection() throws {
        let input = try Descriptor.makePipe()
        let output = try Descriptor.makePipe()
        defer { for end in [input.readEnd, input.writeEnd, output.readEnd, output.writeEnd] { _ = close(end) } }
        var set = PollSet()
        let readOnly = set.add(reading: input.readEnd, if: true, writing: output.writeEnd, if: false)
        #expect(readOnly.read == 0 && readOnly.write == 1 && set.count == 2)
        #expect(try set.wait(timeoutMilliseconds: 20) == 0)
        // The output is writable, but it was not asked about.
        #expect(!set.isReadable(readOnly) && !set.isWritable(readOnly))

        set.removeAll()
        let both = set.add(reading: input.readEnd, if: true, writing: output.writeEnd, if: true)
        #expect(try set.wait(timeoutMilliseconds: 1000) == 1)
        #expect(!set.isReadable(both) && set.isWritable(both))
        #expect(write(input.writeEnd, "x", 1) == 1)
        #expect(try set.wait(timeoutMilliseconds: 1000) == 2)
        #expect(set.isReadable(both) && set.isWritable(both))
        #expect(set.reported(both.read) == .readable && set.reported(both.write) == .writable)
    }

    @Test func waitingForOneDescriptorTimesOutEmpty() throws {
        let pipe = try Descriptor.makePipe()
        defer { _ = close(pipe.readEnd); _ = close(pipe.writeEnd) }
        let started = MonotonicClock.now()
        #expect(try Poll.wait(for: pipe.readEnd, .readable, timeoutMilliseconds: 50).isEmpty)
        #expect(MonotonicClock.seconds(since: started) >= 0.04)
        #expect(try Poll.wait(for: pipe.writeEnd, .writable, timeoutMilliseconds: 1000) == .writable)
    }
}
