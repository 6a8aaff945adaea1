import SNCSocket

/// An HTTP CONNECT request and the reading of its answer's header, as bytes:
/// lines end at 0x0A with one 0x0D dropped, and nothing past the blank line
/// belongs to the header (those bytes are the destination's).
package enum HTTPConnectMessages {
    /// The request; with a user, Basic credentials in Proxy-Authorization (RFC 7617).
    package static func request(_ destination: ProxyDestination, user: String?, password: String?) -> [UInt8] {
        let authority = destination.authority
        var text = "CONNECT \(authority) HTTP/1.0\r\nHost: \(authority)\r\n"
        if let user {
            text += "Proxy-Authorization: Basic \(base64(Array("\(user):\(password ?? "")".utf8)))\r\n"
        }
        return Array((text + "\r\n").utf8)
    }

    /// Where the header ends in `bytes` (the index after the blank line's
    /// 0x0A), or nil if the blank line has not arrived yet.
    package static func headerLength(_ bytes: [UInt8]) -> Int? {
        var lineStart = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            var lineEnd = index
            if lineEnd > lineStart, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            if lineEnd == lineStart { return index + 1 }
            lineStart = index + 1
        }
        return nil
    }

    /// False as soon as the first bytes cannot start "HTTP/": a proxy that
    /// answers something else is reported at once, not after the timeout.
    package static func couldBeStatusLine(_ bytes: [UInt8]) -> Bool {
        let prefix = Array("HTTP/".utf8)
        return zip(bytes, prefix).allSatisfy { $0 == $1 }
    }

    /// The status line of a complete header, and its code.
    package struct Status: Equatable, Sendable {
        package let line: [UInt8]
        package let code: Int

        package var isSuccess: Bool { (200...299).contains(code) }
    }

    /// The status line ("HTTP/1.1 200 Connection established"); nil if the
    /// header does not start with one.
    package static func status(ofHeader header: [UInt8]) -> Status? {
        guard let line = TextLines.split(header).first.map(Array.init) else { return nil }
        let fields = line.split(separator: 0x20, maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count >= 2, couldBeStatusLine(Array(fields[0])), fields[0].count > 5 else { return nil }
        let digits = fields[1]
        guard digits.count == 3, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let code = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return Status(line: line, code: code)
    }

    /// RFC 4648 base64, for the Basic credentials.
    package static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0..<4 {
                if position <= chunk.count {
                    output.append(alphabet[Int((value >> (18 - 6 * UInt32(position))) & 0x3F)])
                } else {
                    output.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
