import SNCSocket

/// Bytes from the network to a pseudo-terminal's master, as they are; at
/// the network's end of file, the terminal's end-of-input character (^D)
/// if the program reads lines (canonical mode), so a shell sees EOF and
/// exits as it would at a keyboard. In raw mode no byte means that, and
/// the program decides for itself when to end.
struct TerminalInputFraming: StreamFraming {
    let master: CInt

    func take(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        output.append(contentsOf: bytes)
    }

    func finish(into output: inout [UInt8]) {
        // A line already typed is submitted by one ^D and ended by a second;
        // at the start of a line one is enough, and a second does no harm once read ends.
        if let character = PseudoTerminal.endOfInputCharacter(master: master) { output.append(contentsOf: [character, character]) }
    }
}
