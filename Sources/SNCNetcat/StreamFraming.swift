/// What a `CopyingDirection` does to the bytes it moves: nothing, add a
/// `--verify` header and trailer, strip and check them, or end a terminal's
/// input. `take` may hold bytes back; `finish` runs once at the source's
/// end and releases whatever it still owes the sink.
package protocol StreamFraming {
    mutating func take(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8])
    mutating func finish(into output: inout [UInt8])
}

/// Bytes pass as they are.
struct PlainFraming: StreamFraming {
    func take(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        output.append(contentsOf: bytes)
    }

    func finish(into output: inout [UInt8]) {}
}
