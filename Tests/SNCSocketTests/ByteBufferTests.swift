import Testing
import SNCSocket

@Suite struct ByteBufferTests {
    private func fill(_ buffer: ByteBuffer, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer.append($0) }
    }

    @Test func bytesLeaveInTheOrderTheyCameAfterPartialWrites() {
        let buffer = ByteBuffer(capacity: 8)
        fill(buffer, [1, 2, 3, 4, 5, 6])
        buffer.consume(4)
        #expect(Array(buffer.readable) == [5, 6])
        // While there is room at the end, reading into it copies nothing ...
        #expect(buffer.writable.count == 2)
        // ... an append larger than that moves the data to the front first.
        fill(buffer, [7, 8, 9])
        #expect(Array(buffer.readable) == [5, 6, 7, 8, 9])
        #expect(buffer.freeSpace == 3 && buffer.hasSpace)
    }

    @Test func appendIfFitsCopiesAllOrNothing() {
        let buffer = ByteBuffer(capacity: 4)
        #expect(buffer.appendIfFits([1, 2, 3]))
        #expect(!buffer.appendIfFits([4, 5]))
        #expect(Array(buffer.readable) == [1, 2, 3])
        #expect(buffer.appendIfFits([4]))
        #expect(!buffer.hasSpace)
        buffer.consume(4)
        #expect(buffer.isEmpty && buffer.writable.count == 4)
    }
}

@Suite struct ByteQueueTests {
    @Test func queuedBytesComeOutInOrderAcrossCompaction() {
        var queue = ByteQueue(retainedCapacity: 64, compactionThreshold: 4)
        queue.append(Array(0..<10) as [UInt8])
        let first: [UInt8] = queue.withReadable { (used: 6, result: Array($0.prefix(6))) }
        #expect(first == [0, 1, 2, 3, 4, 5])
        queue.append([10, 11] as [UInt8])
        #expect(queue.count == 6)
        let rest: [UInt8] = queue.withReadable { (used: $0.count, result: Array($0)) }
        #expect(rest == [6, 7, 8, 9, 10, 11])
        #expect(queue.isEmpty)
    }
}

@Suite struct WaitStatusTests {
    // Linux's encoding (bits/waitstatus.h): exit code in bits 8-15, signal in 0-6.
    @Test func decodesExitCodesAndSignals() {
        #expect(WaitStatus(rawValue: 3 << 8).exitCode == 3)
        #expect(WaitStatus(rawValue: 3 << 8).terminatingSignal == nil)
        #expect(WaitStatus(rawValue: 9).exitCode == nil)
        #expect(WaitStatus(rawValue: 9).terminatingSignal == 9)
        // Stopped (0x7f in the low byte): neither.
        let stopped = WaitStatus(rawValue: (19 << 8) | 0x7f)
        #expect(stopped.exitCode == nil && stopped.terminatingSignal == nil)
    }
}
