extension Socket.Accepted {
    /// Gives up the accepted socket as a raw descriptor together with the
    /// peer, for handing to another thread, which re-adopts it with
    /// `Socket(adopting:)`.
    package consuming func release() -> (descriptor: CInt, peer: SocketAddress) {
        let peer = self.peer
        return (socket.release(), peer)
    }

    /// Hands over the accepted socket. Modules other than this one cannot
    /// take a stored property out of a noncopyable struct, so they call this
    /// (after copying `peer` out).
    package consuming func takeSocket() -> Socket {
        socket
    }
}
