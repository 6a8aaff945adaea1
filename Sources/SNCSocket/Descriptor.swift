import Glibc

/// Calls on descriptors snc does not own, such as stdin and stdout.
///
/// snc never closes standard input or output; it only reads, writes and
/// polls them, so these take a raw descriptor and leave ownership alone.
package enum Descriptor {
    /// `read(2)`'s signature; unit tests pass a scripted one as `call`.
    package typealias ReadCall = (CInt, UnsafeMutableRawPointer?, Int) -> Int
    /// `write(2)`'s signature; unit tests pass a scripted one as `call`.
    package typealias WriteCall = (CInt, UnsafeRawPointer?, Int) -> Int

    /// Wraps `read(2)`; `.done(0)` is end of file.
    package static func read(
        _ descriptor: CInt, into buffer: UnsafeMutableRawBufferPointer, call: ReadCall = Glibc.read
    ) throws(SyscallError) -> IOResult<Int> {
        try retryingNonBlocking("read") { call(descriptor, buffer.baseAddress, buffer.count) }
    }

    /// Wraps `write(2)`.
    package static func write(
        _ descriptor: CInt, _ buffer: UnsafeRawBufferPointer, call: WriteCall = Glibc.write
    ) throws(SyscallError) -> IOResult<Int> {
        try retryingNonBlocking("write") { call(descriptor, buffer.baseAddress, buffer.count) }
    }

    /// Writes all of `buffer`, waiting with poll(2) whenever the descriptor is full.
    package static func writeAll(_ descriptor: CInt, _ buffer: UnsafeRawBufferPointer) throws(SyscallError) {
        var offset = 0
        while offset < buffer.count {
            switch try write(descriptor, UnsafeRawBufferPointer(rebasing: buffer[offset...])) {
            case .done(let count): offset += count
            case .wouldBlock:
                try Poll.wait(for: descriptor, .writable, timeoutMilliseconds: -1)
            }
        }
    }

    /// `fcntl(fd, F_GETFL)`; unit tests pass a scripted one as `getFlags`.
    package typealias StatusFlagsCall = (CInt) -> CInt
    /// The real `fcntl(fd, F_GETFL)` (fcntl is variadic, so it needs a wrapper to be a value).
    package static var statusFlagsCall: StatusFlagsCall { { fcntl($0, F_GETFL) } }

    package static func isNonBlocking(
        _ descriptor: CInt, getFlags: StatusFlagsCall = statusFlagsCall
    ) throws(SyscallError) -> Bool {
        let flags = try retrying("fcntl") { getFlags(descriptor) }
        return flags & O_NONBLOCK != 0
    }

    /// Sets or clears O_NONBLOCK.
    package static func setNonBlocking(_ descriptor: CInt, _ on: Bool) throws(SyscallError) {
        let flags = try retrying("fcntl") { fcntl(descriptor, F_GETFL) }
        let wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
        if wanted != flags {
            _ = try retrying("fcntl") { fcntl(descriptor, F_SETFL, wanted) }
        }
    }

    /// What kind of file a descriptor is, to choose between splice and read/write.
    package enum Kind: Sendable { case pipe, socket, regularFile, characterDevice, other }

    /// Wraps `fstat(2)`.
    package static func kind(of descriptor: CInt) throws(SyscallError) -> Kind {
        var info = stat()
        _ = try retrying("fstat") { fstat(descriptor, &info) }
        switch info.st_mode & S_IFMT {
        case S_IFIFO: return .pipe
        case S_IFSOCK: return .socket
        case S_IFREG: return .regularFile
        case S_IFCHR: return .characterDevice
        default: return .other
        }
    }
}
