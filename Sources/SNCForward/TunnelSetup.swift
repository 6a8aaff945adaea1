/// The steps a tunnelled connection may take before its bytes are relayed.
enum TunnelSetup {
    /// `-D`: reading the client's SOCKS request (no channel yet).
    case socksHandshake(SOCKSHandshake)
    /// `-D`: the channel open is in flight; the client gets this request's
    /// granted or failure reply when the server answers.
    case socksReplyDue(SOCKSRequest)
    /// `-R`: the server's channel is open and the local TCP connect to the
    /// forward's target is in progress.
    case connectingLocally
}
