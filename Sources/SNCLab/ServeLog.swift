import SNCSocket
import Glibc

/// One line per client on stdout, each written whole through `LineWriter`,
/// so lines from thousands of threads never interleave.
package final class ServeLog: Sendable {
    private let quiet: Bool

    package init(quiet: Bool) {
        self.quiet = quiet
    }

    /// `client 127.0.0.1:40312: 1024 bytes in 0.412 ms, ok`
    package static func line(peer: SocketAddress, bytes: Int, seconds: Double, outcome: ServedOutcome) -> String {
        "client \(peer): \(bytes) bytes in \(Decimal3.format(seconds * 1000, digits: 3)) ms, \(outcome.words)\n"
    }

    package func client(peer: SocketAddress, bytes: Int, seconds: Double, outcome: ServedOutcome) {
        guard !quiet else { return }
        write(Self.line(peer: peer, bytes: bytes, seconds: seconds, outcome: outcome))
    }

    /// Writes text to stdout; a closed or broken stdout is not the clients'
    /// problem, so write errors are dropped.
    package func write(_ text: String) {
        LineWriter.standardOutput.write(text)
    }
}
