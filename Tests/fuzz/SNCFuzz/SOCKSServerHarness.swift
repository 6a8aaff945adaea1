import SNCForward

/// `snc forward -D`'s side of a SOCKS4/4a/5 handshake, fed what a client
/// sends in pieces: the first byte of the input picks the piece size, so
/// libFuzzer also explores requests split across reads.
enum SOCKSServerHarness {
    static func run(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
        guard let first = input.first else { return 0 }
        let pieceSize = Int(first % 16) + 1
        var handshake = SOCKSHandshake()
        var offset = input.startIndex + 1
        while offset < input.endIndex, handshake.wantsInput {
            let end = min(offset + pieceSize, input.endIndex)
            handshake.append(Array(input[offset..<end]))
            offset = end
            // A greeting answered, then the request: two events at most per
            // piece before more input is needed.
            events: for _ in 0..<4 {
                switch handshake.advance() {
                case .needMore:
                    break events
                case .send(let reply):
                    precondition(reply.count == 2 && reply[0] == 5, "a SOCKS5 method choice is two bytes")
                case .connect(let request, _):
                    precondition(!request.host.isEmpty, "a CONNECT names a host")
                    precondition(!handshake.wantsInput, "a finished handshake reads no more")
                    break events
                case .fail(let reply, let reason):
                    precondition(reply.count <= 10 && !reason.isEmpty, "a refusal is a short reply and a reason")
                    precondition(!handshake.wantsInput, "a failed handshake reads no more")
                    break events
                }
            }
        }
        return 0
    }
}
