import SNCSocket
import Synchronization
import Glibc

/// `snc load --capture`: records the run's TCP packets on `lo` to a pcapng
/// file on a thread of its own, and classifies each as Wireshark's TCP
/// analysis would, as it arrives.
package final class CaptureRecorder: @unchecked Sendable {
    // @unchecked: between `start()` and `stop()` only the capture thread
    // touches the ring, writer, analyzer and results; `stop()` joins it
    // before anyone else reads them. `stopping` is atomic.
    package let path: String
    private let ring: PacketRing
    private let writer: PcapngWriter
    private var analyzer = TCPAnalyzer()
    private var thread: PosixThread?
    private let stopping = Atomic<Bool>(false)
    /// Every packet's capture time, in arrival order.
    private(set) var timestamps: [UInt64] = []
    private(set) var events: [CaptureEvent] = []
    /// The first error writing the file; recording stops there.
    package private(set) var writeError: SyscallError?
    /// Drops read at each level's end (`markLevelEnd`) and at `stop`.
    private(set) var dropsPerMark: [Int] = []

    /// Opens the ring on `interface` (needs CAP_NET_RAW) and creates the file.
    package init(path: String, port: UInt16, interface: String = "lo") throws(SyscallError) {
        ring = try PacketRing(interface: interface, tcpPort: port)
        writer = try PcapngWriter(path: path, interfaceName: interface)
        self.path = path
        timestamps.reserveCapacity(1 << 20)
    }

    /// Starts the capture thread.
    package func start() throws(SyscallError) {
        thread = try PosixThread { [self] in record() }
    }

    /// Reads the kernel's drop count for the level that just ended.
    package func markLevelEnd() {
        dropsPerMark.append((try? ring.statistics().drops) ?? 0)
    }

    /// Stops after the ring's last blocks are in (they retire within 10 ms),
    /// joins the thread and flushes the file.
    package func stop() {
        // Let the packets of the last exchanges (FIN, final ACK) reach the ring.
        usleep(50_000)
        stopping.store(true, ordering: .releasing)
        thread?.join()
        thread = nil
        let lastDrops = (try? ring.statistics().drops) ?? 0
        if dropsPerMark.isEmpty { dropsPerMark.append(lastDrops) } else { dropsPerMark[dropsPerMark.count - 1] += lastDrops }
        if writeError == nil {
            do throws(SyscallError) { try writer.flush() } catch { writeError = error }
        }
    }

    private func record() {
        var draining = false
        while true {
            do throws(SyscallError) { try ring.wait(timeoutMilliseconds: 20) } catch { usleep(1000) }
            ring.drain { packet in take(packet) }
            if draining { break }
            if stopping.load(ordering: .acquiring) {
                // One more round after the blocks in progress retire.
                usleep(30_000)
                draining = true
            }
        }
    }

    private func take(_ packet: CapturedPacket) {
        timestamps.append(packet.timestamp)
        if writeError == nil {
            do throws(SyscallError) {
                try writer.write(packet.bytes, originalLength: packet.originalLength, timestamp: packet.timestamp)
            } catch {
                writeError = error
            }
        }
        guard let segment = TCPSegment.parse(ethernetFrame: packet.bytes) else { return }
        for flag in analyzer.classify(segment, at: packet.timestamp) {
            events.append(CaptureEvent(flag: flag, timestamp: packet.timestamp, sourcePort: segment.source.port,
                                       destinationPort: segment.destination.port))
        }
    }
}
