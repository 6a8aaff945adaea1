/// Where data goes when the listener serves many clients at once (`--broker`,
/// `--chat`, ncat's `--keep-open`), decided once from the options the way
/// ncat decides it (ncat_listen.c): `--send-only` never reads what clients
/// send into anything ("only send data, ignoring received"), `--recv-only`
/// never sends anything to any client ("only receive data, never send
/// anything"), and `--keep-open` passes clients' data to stdout only.
package struct BrokerRoutes: Equatable, Sendable {
    /// A client's data goes to the other clients.
    package var clientsToClients: Bool
    /// A client's data goes to stdout.
    package var clientsToOutput: Bool
    /// stdin is read and goes to every client.
    package var inputToClients: Bool
    /// Anything at all, announcements included, may be sent to a client.
    package var sendsToClients: Bool
    /// When stdin ends, each client's sending side is shut down once its
    /// queue is written: with `--keep-open` stdin is all a client gets, so
    /// it sees end of file as with one client (snc's default half-close).
    package var halfClosesWhenInputEnds: Bool
    /// `--keep-open --send-only`: the listener ends once stdin is sent, as ncat does.
    package var endsWhenInputSent: Bool

    package init(_ options: ListenOptions) {
        let session = options.session
        sendsToClients = !options.receiveOnly
        clientsToOutput = session.writesOutput
        clientsToClients = options.relaysBetweenClients && sendsToClients && session.writesOutput
        inputToClients = session.readsInput && sendsToClients
        halfClosesWhenInputEnds = !options.relaysBetweenClients && session.halfCloses && sendsToClients
        endsWhenInputSent = !options.relaysBetweenClients && session.endsWhenInputSent
    }
}
