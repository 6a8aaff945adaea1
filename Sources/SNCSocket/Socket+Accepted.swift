extension Socket.Accepted {
    /// Gives up the accepted socket as a raw descriptor together with the
    /// peer, for handing to another thread, which re-adopts it with
    /// `Socket(adopting:)`.
    package consuming func release() -> (descriptor: CInt, peer: SocketAddress) {
        let peer = self.peer
        return (socket.release(), peer)
    }
}
