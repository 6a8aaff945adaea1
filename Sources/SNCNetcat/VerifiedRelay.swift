import SNCSocket
import Glibc

/// A netcat session with `--verify`: stdin goes out framed by
/// `VerifySender` and the socket's write side is shut down after the
/// trailer; what arrives is unframed and checked by `VerifyReceiver`, and
/// stdout ends once it is all written. Every byte passes through memory to
/// be hashed, so this path never splices.
enum VerifiedRelay {
    /// Runs one session on a connected, non-blocking stream socket (borrowed).
    static func run(socket: borrowing Socket, local: LocalStreams, options: SessionOptions, peerName: String,
                    reporter: Reporter) -> RelayOutcome {
        let descriptor = socket.descriptor
        let outbound = CopyingDirection(source: local.input, sink: descriptor, sourceName: "stdin",
                                        sinkName: "the network", framing: VerifySender())
        let inbound = CopyingDirection(source: descriptor, sink: local.output, sourceName: "the network",
                                       sinkName: "stdout", framing: VerifyReceiver())
        // -d / --recv-only: nothing to send, but the peer still gets an
        // empty stream's header and trailer, so it can verify too.
        if !options.readsInput { outbound.end() }
        var relay = CopyingRelay(outbound: outbound, inbound: inbound)
        relay.onOutboundFinished = {
            // The trailer is out: the peer sees end of file right after it.
            if outbound.writeFailure == nil { _ = shutdown(descriptor, CInt(SHUT_WR)) }
        }
        relay.onInboundFinished = {
            // A terminal on stdin at a listener (nc -l's rule): the session
            // ends with the peer's, so what was typed so far is sealed now.
            if options.endsWhenPeerCloses { outbound.end() }
            if inbound.endedCleanly, options.endsOutputWhenPeerFinishes { local.endOutput() }
        }
        do {
            try relay.run { outbound.isFinished && inbound.isFinished }
        } catch {
            return .failed(.system(error))
        }
        return outcome(outbound: outbound, inbound: inbound, peerName: peerName, reporter: reporter)
    }

    private static func outcome(outbound: CopyingDirection<VerifySender>, inbound: CopyingDirection<VerifyReceiver>,
                                peerName: String, reporter: Reporter) -> RelayOutcome {
        if let error = inbound.writeFailure { return .failed(.localStream(name: "stdout", error: error)) }
        switch inbound.framing.verdict {
        case .verified(let bytes, let digest):
            reporter.info("Verified \(bytes) bytes from \(peerName): sha256 \(digest)")
        case .mismatch(let bytes, let received, let sent):
            return .failed(.verifyFailed(.mismatch(peer: peerName, bytes: bytes, received: received, sent: sent)))
        case .truncated(let bytes):
            let cause = inbound.readFailure.map { $0.errno.description }
            return .failed(.verifyFailed(.truncated(peer: peerName, bytes: bytes, cause: cause)))
        case .unframed(let bytes):
            return .failed(.verifyFailed(.unframed(peer: peerName, bytes: bytes)))
        case nil:
            break
        }
        if let error = outbound.readFailure { return .failed(.localStream(name: "stdin", error: error)) }
        if let error = outbound.writeFailure { return .failed(.connectionLost(peer: peerName, error: error)) }
        return .completed
    }
}
