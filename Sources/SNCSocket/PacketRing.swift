import CLinux
import Glibc

/// A packet capture on one interface: an AF_PACKET socket with a TPACKET_V3
/// receive ring mapped into memory (packet(7)), filtered in the kernel to the
/// TCP packets of one port.
///
/// Owns the socket and the mapping: both go in `deinit`. One thread at a time
/// drains it (`drain`), so it is handed to the capture thread whole.
package final class PacketRing: @unchecked Sendable {
    // @unchecked: the ring's blocks are touched only by the thread calling
    // `drain` (one capture thread); the fd and mapping are immutable.
    private let descriptor: CInt
    private let mapping: UnsafeMutableRawPointer
    private let blockSize: Int
    private let blockCount: Int
    private var nextBlock = 0
    private var scratch: [snc_captured_packet]

    /// Opens the capture. Needs CAP_NET_RAW (root, or root inside a user +
    /// network namespace): without it `socket` fails with EPERM.
    ///
    /// - Parameters:
    ///   - interface: the interface name (`lo`), looked up with `if_nametoindex(3)`.
    ///   - tcpPort: only TCP segments from or to this port are kept.
    ///   - blockSize: bytes per ring block (a power of two, a multiple of the page size).
    ///   - blockCount: blocks in the ring.
    ///   - retireMilliseconds: a block that is not full is handed over after this long.
    package init(interface: String, tcpPort: UInt16, blockSize: Int = 1 << 20, blockCount: Int = 64,
                 retireMilliseconds: Int = 10) throws(SyscallError) {
        let index = if_nametoindex(interface)
        if index == 0 { throw SyscallError("if_nametoindex(\(interface))", code: errno) }
        let fd = snc_packet_socket()
        if fd < 0 { throw SyscallError("socket(AF_PACKET)", code: errno) }
        func fail(_ call: String) -> SyscallError {
            let error = SyscallError(call, code: errno)
            close(fd)
            return error
        }
        // The filter goes on before bind, so no packet of other traffic lands in the ring.
        if snc_packet_attach_tcp_port_filter(fd, tcpPort) != 0 { throw fail("setsockopt(SO_ATTACH_FILTER)") }
        if snc_packet_set_ring(fd, UInt32(blockSize), UInt32(blockCount), UInt32(retireMilliseconds)) != 0 {
            throw fail("setsockopt(PACKET_RX_RING)")
        }
        let length = blockSize * blockCount
        let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let mapped, mapped != MAP_FAILED else { throw fail("mmap") }
        if snc_packet_bind(fd, CInt(index)) != 0 {
            let error = SyscallError("bind(AF_PACKET)", code: errno)
            munmap(mapped, length)
            close(fd)
            throw error
        }
        descriptor = fd
        mapping = mapped
        self.blockSize = blockSize
        self.blockCount = blockCount
        scratch = Array(repeating: snc_captured_packet(), count: blockSize / 64)
    }

    deinit {
        munmap(mapping, blockSize * blockCount)
        close(descriptor)
    }

    /// Waits up to `timeoutMilliseconds` for a block to be handed over (`poll(2)`).
    package func wait(timeoutMilliseconds: Int32) throws(SyscallError) {
        if snc_packet_block_ready(mapping + nextBlock * blockSize) != 0 { return }
        var entry = [pollfd(fd: descriptor, events: Int16(POLLIN | POLLERR), revents: 0)]
        _ = try Poll.wait(&entry, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Hands every packet of every block the kernel has handed over to
    /// `body`, in ring order (which is arrival order), and gives the blocks
    /// back; returns how many packets there were.
    @discardableResult
    package func drain(_ body: (CapturedPacket) -> Void) -> Int {
        var total = 0
        while true {
            let block = mapping + nextBlock * blockSize
            guard snc_packet_block_ready(block) != 0 else { return total }
            let count = scratch.withUnsafeMutableBufferPointer { buffer in
                Int(snc_packet_block_packets(block, buffer.baseAddress, CInt(buffer.count)))
            }
            for index in 0..<count {
                let packet = scratch[index]
                guard let data = packet.data else { continue }
                body(CapturedPacket(bytes: UnsafeRawBufferPointer(start: data, count: Int(packet.captured_length)),
                                    originalLength: Int(packet.original_length),
                                    timestamp: packet.seconds &* 1_000_000_000 &+ UInt64(packet.nanoseconds)))
            }
            total += count
            snc_packet_block_release(block)
            nextBlock = (nextBlock + 1) % blockCount
        }
    }

    /// Packets the filter passed and packets dropped because the ring was
    /// full since the last call (`PACKET_STATISTICS`; reading resets them).
    package func statistics() throws(SyscallError) -> (packets: Int, drops: Int) {
        var packets: UInt32 = 0
        var drops: UInt32 = 0
        if snc_packet_statistics(descriptor, &packets, &drops) != 0 { throw SyscallError("getsockopt(PACKET_STATISTICS)", code: errno) }
        return (Int(packets), Int(drops))
    }
}
