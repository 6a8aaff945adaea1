import SNCSSH

/// One `-R` forward the server has agreed to: the server's listener, and
/// where its connections go on this side.
final class RemoteForward {
    let spec: ForwardSpec
    let listener: SSHRemoteListener
    /// `bytesReceived` at the last accept that found nothing: accepting
    /// again is pointless until the server has sent more.
    var acceptIdleAt: UInt64 = .max

    init(spec: ForwardSpec, listener: SSHRemoteListener) {
        self.spec = spec
        self.listener = listener
    }
}
