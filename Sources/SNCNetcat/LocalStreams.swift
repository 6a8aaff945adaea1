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
    /// written, so that the reader of a pipe (`snc -l 7000 | tar x`) sees end
    /// of file while snc may still be sending stdin.
    ///
    /// The one exception to "snc never closes stdin or stdout", and done this
    /// way: /dev/null is put on descriptor 1 with dup2(2). That drops snc's
    /// reference to the pipe (its reader sees end of file once no other
    /// process holds it open) while descriptor 1 stays taken, so no socket or
    /// file opened later can become "stdout" and receive stray output, as it
    /// could after close(2). A socket on stdout (inetd, socat) is shut down
    /// for writing first, which its peer sees even when other processes
    /// share the descriptor. Terminals, regular files and devices are left
    /// alone: nobody waits for their end. Should /dev/null not open (out of
    /// descriptors), stdout stays as it is and ends when snc exits.
    package func endOutput() {
        guard !outputEnded else { return }
        outputEnded = true
        switch outputKind {
        case .pipe:
            break
        case .socket:
            // ENOTCONN (a peer already gone) leaves nothing to tell.
            _ = shutdown(output, CInt(SHUT_WR))
        case .regularFile, .characterDevice, .other:
            return
        }
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        guard null >= 0 else { return }
        // dup2(2) closes descriptor 1 and reuses the number in one step.
        while dup2(null, output) < 0 && errno == EINTR {}
        _ = close(null)
    }
}
