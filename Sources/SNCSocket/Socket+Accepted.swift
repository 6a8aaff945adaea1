extension Socket.Accepted {
    /// Hands over the accepted socket. Modules other than this one cannot
    /// take a stored property out of a noncopyable struct, so they call this
    /// (after copying `peer` out).
    package consuming func takeSocket() -> Socket {
        socket
    }
}
