import Glibc

extension ProcessSetup {
    /// Opens /dev/null on any of descriptors 0, 1 and 2 that is closed.
    ///
    /// Started with stdin closed, the first socket snc opens would otherwise
    /// get descriptor 0, and the relay would read its own socket as "stdin".
    package static func ensureStandardDescriptorsOpen() {
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
            guard fcntl(descriptor, F_GETFD) == -1, errno == EBADF else { continue }
            // open(2) returns the lowest free descriptor, which is this one.
            let opened = open("/dev/null", descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY)
            if opened != descriptor && opened >= 0 { _ = close(opened) }
        }
    }
}
