/// ncat's `-x` hex dump format, line for line: each chunk of data is dumped
/// on its own, offsets counting from 0000, 16 bytes per line, a gap after
/// the 8th, and the printable characters (0x21-0x7E) on the right:
///
///     0000   68 65 6c 6c 6f 20 77 6f  72 6c 64 0a              hello.world.
package enum HexDump {
    private static let digits = Array("0123456789abcdef".utf8)

    /// The dump of one chunk, every line ending in "\n".
    package static func format<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count / 16 + 1) * 76)
        var offset = 0
        var line: [UInt8] = []
        line.reserveCapacity(16)
        func flush() {
            appendHex(UInt(offset), width: 4, to: &output)
            output.append(contentsOf: Array("   ".utf8))
            var hexColumn = 0
            for (index, byte) in line.enumerated() {
                output.append(digits[Int(byte >> 4)])
                output.append(digits[Int(byte & 0x0F)])
                output.append(UInt8(ascii: " "))
                hexColumn += 3
                if index == 7 {
                    output.append(UInt8(ascii: " "))
                    hexColumn += 1
                }
            }
            // The hex column is 49 wide (16 * 3 + the gap), then one space.
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 49 - hexColumn + 1))
            for byte in line {
                output.append((0x21...0x7E).contains(byte) ? byte : UInt8(ascii: "."))
            }
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 16 - line.count))
            output.append(UInt8(ascii: "\n"))
            offset += line.count
            line.removeAll(keepingCapacity: true)
        }
        for byte in bytes {
            line.append(byte)
            if line.count == 16 { flush() }
        }
        if !line.isEmpty { flush() }
        return String(decoding: output, as: UTF8.self)
    }

    private static func appendHex(_ value: UInt, width: Int, to output: inout [UInt8]) {
        var text: [UInt8] = []
        var rest = value
        repeat {
            text.append(digits[Int(rest & 0xF)])
            rest >>= 4
        } while rest > 0
        if text.count < width { text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - text.count)) }
        output.append(contentsOf: text.reversed())
    }
}
