import SNCSocket
import Glibc

/// Writes a pcapng file (draft-ietf-opsawg-pcapng) as packets arrive: a
/// Section Header Block, one Interface Description Block (Ethernet, as Linux
/// gives `lo`, with nanosecond timestamps) and one Enhanced Packet Block per
/// packet, buffered and written out a megabyte at a time.
package final class PcapngWriter {
    private let descriptor: CInt
    private var buffer: [UInt8] = []
    private static let flushThreshold = 1 << 20
    /// LINKTYPE_ETHERNET.
    static let linkTypeEthernet: UInt16 = 1
    package static let snapLength: UInt32 = 262_144
    package private(set) var packetsWritten = 0

    /// Creates (or truncates) `path` and writes the section and interface headers.
    package init(path: String, interfaceName: String) throws(SyscallError) {
        descriptor = try retrying("open") { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        buffer.reserveCapacity(Self.flushThreshold + 70_000)
        buffer.append(contentsOf: Self.sectionHeader())
        buffer.append(contentsOf: Self.interfaceDescription(name: interfaceName))
    }

    deinit { close(descriptor) }

    /// Appends one Enhanced Packet Block.
    package func write(_ bytes: UnsafeRawBufferPointer, originalLength: Int, timestamp: UInt64) throws(SyscallError) {
        Self.appendPacket(to: &buffer, bytes: bytes, originalLength: originalLength, timestamp: timestamp)
        packetsWritten += 1
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Writes out what is buffered (`write(2)`, retried on EINTR and short writes).
    package func flush() throws(SyscallError) {
        var offset = 0
        let descriptor = self.descriptor
        while offset < buffer.count {
            let start = offset
            let result: Result<Int, SyscallError> = buffer.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return .success(0) }
                return Result { () throws(SyscallError) in
                    try retrying("write") { Glibc.write(descriptor, base + start, raw.count - start) }
                }
            }
            offset += try result.get()
        }
        buffer.removeAll(keepingCapacity: true)
    }

    // MARK: Blocks

    static func sectionHeader() -> [UInt8] {
        var block: [UInt8] = []
        block.appendLittleEndian(UInt32(0x0A0D_0D0A))
        block.appendLittleEndian(UInt32(28))
        block.appendLittleEndian(UInt32(0x1A2B_3C4D)) // byte-order magic
        block.appendLittleEndian(UInt16(1)) // version 1.0
        block.appendLittleEndian(UInt16(0))
        block.appendLittleEndian(UInt64.max) // section length not known
        block.appendLittleEndian(UInt32(28))
        return block
    }

    static func interfaceDescription(name: String) -> [UInt8] {
        var options: [UInt8] = []
        appendOption(to: &options, code: 2, value: Array(name.utf8)) // if_name
        appendOption(to: &options, code: 9, value: [9]) // if_tsresol: 10^-9 s
        options.appendLittleEndian(UInt32(0)) // opt_endofopt
        let length = UInt32(20 + options.count)
        var block: [UInt8] = []
        block.appendLittleEndian(UInt32(1))
        block.appendLittleEndian(length)
        block.appendLittleEndian(linkTypeEthernet)
        block.appendLittleEndian(UInt16(0))
        block.appendLittleEndian(snapLength)
        block.append(contentsOf: options)
        block.appendLittleEndian(length)
        return block
    }

    static func appendPacket(to block: inout [UInt8], bytes: UnsafeRawBufferPointer, originalLength: Int, timestamp: UInt64) {
        let captured = min(bytes.count, Int(snapLength))
        let padding = (4 - captured % 4) % 4
        let length = UInt32(32 + captured + padding)
        block.appendLittleEndian(UInt32(6))
        block.appendLittleEndian(length)
        block.appendLittleEndian(UInt32(0)) // interface 0
        block.appendLittleEndian(UInt32(truncatingIfNeeded: timestamp >> 32))
        block.appendLittleEndian(UInt32(truncatingIfNeeded: timestamp))
        block.appendLittleEndian(UInt32(captured))
        block.appendLittleEndian(UInt32(clamping: originalLength))
        block.append(contentsOf: bytes.prefix(captured))
        block.append(contentsOf: repeatElement(0, count: padding))
        block.appendLittleEndian(length)
    }

    private static func appendOption(to options: inout [UInt8], code: UInt16, value: [UInt8]) {
        options.appendLittleEndian(code)
        options.appendLittleEndian(UInt16(value.count))
        options.append(contentsOf: value)
        options.append(contentsOf: repeatElement(0, count: (4 - value.count % 4) % 4))
    }
}

extension [UInt8] {
    mutating func appendLittleEndian<Value: FixedWidthInteger>(_ value: Value) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
