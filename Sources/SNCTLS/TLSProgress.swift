/// What a non-blocking TLS call on a session needs before it can go on.
/// SSL_ERROR_WANT_READ / SSL_ERROR_WANT_WRITE are states of the socket,
/// not failures: poll for the event and call again.
package enum TLSProgress: Sendable, Equatable {
    case done
    case wantsRead
    case wantsWrite
}

/// The result of `TLSSession.read`.
package enum TLSReadResult: Sendable, Equatable {
    /// This many bytes of application data.
    case bytes(Int)
    /// Nothing yet: poll for this and try again.
    case blocked(TLSProgress)
    /// The peer sent close_notify: its data is complete.
    case closed
    /// The TCP connection ended without close_notify: the data may be cut short.
    case truncated
}

/// The result of `TLSSession.write`.
package enum TLSWriteResult: Sendable, Equatable {
    /// This many bytes were taken (a partial write is normal).
    case bytes(Int)
    /// Nothing taken: poll for this and try again with the same bytes.
    case blocked(TLSProgress)
}
