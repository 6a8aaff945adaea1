/// `-C`: sends each bare line feed from stdin as CR LF, as nc's `-C`
/// promises ("send CRLF as line-ending"). A line feed that already follows a
/// carriage return is left alone, so CR LF input stays CR LF instead of
/// becoming CR CR LF.
///
/// Input arrives in reads of any size: a CR at the end of one read and the
/// LF at the start of the next are one CR LF, so the last byte seen is kept
/// between calls.
package struct RelayLineEndings {
    private var previousWasCarriageReturn = false

    package init() {}

    /// The most `count` input bytes can become: every one a bare LF.
    package static func expandedLimit(of count: Int) -> Int { count * 2 }

    /// Appends `input` to `output` with each bare LF written as CR LF.
    package mutating func expand<Input: Sequence<UInt8>>(_ input: Input, into output: inout [UInt8]) {
        for byte in input {
            if byte == 0x0A && !previousWasCarriageReturn { output.append(0x0D) }
            output.append(byte)
            previousWasCarriageReturn = byte == 0x0D
        }
    }
}
