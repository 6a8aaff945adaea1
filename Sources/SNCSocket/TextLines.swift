/// Splits text that came from outside (files, the network, other programs)
/// into lines as bytes: on 0x0A, with one trailing 0x0D dropped from each.
///
/// Never split such text on Swift `Character`s: "\r\n" is a single
/// `Character`, so `split(separator: "\n")` leaves CRLF lines glued
/// together, which once let a changed host key through as "new".
package enum TextLines {
    /// The lines of `bytes`, without their terminators. A final line without
    /// a newline is still a line; an empty input has no lines.
    package static func split<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> [Bytes.SubSequence] {
        var lines: [Bytes.SubSequence] = []
        var start = bytes.startIndex
        var index = start
        while index != bytes.endIndex {
            if bytes[index] == 0x0A {
                lines.append(strippingCarriageReturn(bytes[start..<index]))
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        if start != bytes.endIndex { lines.append(strippingCarriageReturn(bytes[start...])) }
        return lines
    }

    /// The lines of `bytes`, each decoded as UTF-8 (invalid sequences become
    /// U+FFFD, so a bad byte never merges or drops a line).
    package static func strings<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> [String] {
        split(bytes).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The lines of a file, or nil when it cannot be read.
    package static func strings(ofFile path: String, limit: Int = 16 << 20) -> [String]? {
        guard let bytes = try? FileContents.read(path: path, limit: limit) else { return nil }
        return strings(bytes)
    }

    private static func strippingCarriageReturn<Line: BidirectionalCollection<UInt8>>(_ line: Line) -> Line
    where Line.SubSequence == Line {
        guard line.last == 0x0D else { return line }
        return line.dropLast()
    }
}
