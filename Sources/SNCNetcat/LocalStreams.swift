import SNCSocket
import Glibc

/// snc's stdin and stdout, and what outlives one connection when `-k`
/// serves clients one after another: whether stdin has ended, and stdin
/// bytes read but not delivered to a client that went away.
package final class LocalStreams {
    let input: CInt = STDIN_FILENO
    let output: CInt = STDOUT_FILENO
    let inputKind: Descriptor.Kind
    let outputKind: Descriptor.Kind
    /// splice(2) cannot write to an O_APPEND file (`>>`).
    let outputAppends: Bool
    /// stdin is a terminal: someone is typing (isatty(3)).
    package let inputIsTerminal: Bool
    /// stdin reached end of file (or failed) in an earlier session.
    var inputEnded = false
    /// Outbound staging kept between sessions so no byte read from stdin is lost.
    var outboundStaging: Staging?
    /// `endOutput()` has run: nothing more is written to stdout.
    private(set) var outputEnded = false

    /// A bigger pipe means fewer wake-ups per byte when splicing.
    static let pipeCapacity = 1 << 20

    package init() {
        inputKind = (try? Descriptor.kind(of: STDIN_FILENO)) ?? .other
        outputKind = (try? Descriptor.kind(of: STDOUT_FILENO)) ?? .other
        outputAppends = (try? Descriptor.isAppendOnly(STDOUT_FILENO)) ?? false
        inputIsTerminal = isatty(STDIN_FILENO) == 1
        if inputKind == .pipe { Descriptor.growPipe(STDIN_FILENO, to: Self.pipeCapacity) }
        if outputKind == .pipe { Descriptor.growPipe(STDOUT_FILENO, to: Self.pipeCapacity) }
    }

    /// Ends stdout once the peer has finished sending and all of it is
    /// written (`Descriptor.endOutput` says how and why), at most once.
    package func endOutput() {
        guard !outputEnded else { return }
        outputEnded = true
        Descriptor.endOutput(output, kind: outputKind)
    }
}
