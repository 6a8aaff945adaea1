import Glibc

extension Descriptor {
    /// Ends a borrowed output stream (stdout) once the peer has finished
    /// sending and all of it is written, so that the reader of a pipe
    /// (`snc -l 7000 | tar x`) sees end of file while snc may still be
    /// sending stdin. Used by the netcat relay and by `connect --via`.
    ///
    /// The one exception to "snc never closes stdin or stdout", and done this
    /// way: /dev/null is put on the descriptor with dup2(2). That drops snc's
    /// reference to the pipe (its reader sees end of file once no other
    /// process holds it open) while the descriptor number stays taken, so no
    /// socket or file opened later can become "stdout" and receive stray
    /// output, as it could after close(2). A socket on stdout (inetd, socat)
    /// is shut down for writing first, which its peer sees even when other
    /// processes share the descriptor. Terminals, regular files and devices
    /// are left alone: nobody waits for their end. Should /dev/null not open
    /// (out of descriptors), the output stays as it is and ends when snc exits.
    package static func endOutput(_ descriptor: CInt, kind: Kind) {
        switch kind {
        case .pipe:
            break
        case .socket:
            // ENOTCONN (a peer already gone) leaves nothing to tell.
            _ = shutdown(descriptor, CInt(SHUT_WR))
        case .regularFile, .characterDevice, .other:
            return
        }
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        guard null >= 0 else { return }
        // dup2(2) closes the descriptor and reuses the number in one step.
        while dup2(null, descriptor) < 0 && errno == EINTR {}
        _ = close(null)
    }
}
