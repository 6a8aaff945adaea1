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

    @Test func waitingForOneDescriptorTimesOutEmpty() throws {
        let pipe = try Descriptor.makePipe()
        defer { _ = close(pipe.readEnd); _ = close(pipe.writeEnd) }
        let started = MonotonicClock.now()
        #expect(try Poll.wait(for: pipe.readEnd, .readable, timeoutMilliseconds: 50).isEmpty)
        #expect(MonotonicClock.seconds(since: started) >= 0.04)
        #expect(try Poll.wait(for: pipe.writeEnd, .writable, timeoutMilliseconds: 1000) == .writable)
    }
}
