import SNCNetcat

/// What a proxy answers `snc connect -x`/`--proxy`: SOCKS5 method choice,
/// login answer and reply head, the SOCKS4 reply, and an HTTP CONNECT header.
enum ProxyRepliesHarness {
    static func run(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
        let bytes = Array(input)
        _ = SOCKS5Messages.chosenMethod(Array(bytes.prefix(2)))
        _ = SOCKS5Messages.passwordAccepted(Array(bytes.prefix(2)))
        if case .failed(let code) = SOCKS5Messages.replyHead(Array(bytes.prefix(4))) {
            precondition(code != SOCKS5Messages.succeeded, "a failure has a non-zero code")
            _ = SOCKS5Messages.replyText(code)
        }
        if case .rejected(let code) = SOCKS4Messages.reply(Array(bytes.prefix(8))) {
            _ = SOCKS4Messages.replyText(code)
        }
        _ = HTTPConnectMessages.couldBeStatusLine(bytes)
        if let length = HTTPConnectMessages.headerLength(bytes) {
            precondition(length > 0 && length <= bytes.count && bytes[length - 1] == 0x0A, "a header ends after a line feed")
            if let status = HTTPConnectMessages.status(ofHeader: Array(bytes[..<length])) {
                precondition((0...999).contains(status.code), "a status code has three digits")
            }
        }
        return 0
    }
}
