import SNCSocket
#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking pipe whose two descriptors this object owns.
final class PipeEnds: Sendable {
    let readEnd: CInt
    let writeEnd: CInt

    init() throws(SyscallError) {
        let pipe = try Pipe(capacity: 4096)
        readEnd = dup(pipe.readEnd)
        writeEnd = dup(pipe.writeEnd)
        if readEnd < 0 || writeEnd < 0 { throw SyscallError("dup", code: errno) }
        _ = fcntl(readEnd, F_SETFL, O_NONBLOCK)
        _ = fcntl(writeEnd, F_SETFL, O_NONBLOCK)
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
    }

    deinit {
        _ = close(readEnd)
        _ = close(writeEnd)
    }
}
