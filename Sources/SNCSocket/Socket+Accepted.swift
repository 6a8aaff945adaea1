extension Socket.Accepted {
    /// Takes the connected socket out (the peer address is read first):
    /// for owners that keep the socket in a class or a collection.
    package consuming func takeSocket() -> Socket {
        socket
    }
}
