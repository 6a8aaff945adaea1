import SNCSocket
import SNCTLS

/// A broker client's TLS session (`snc listen --ssl` with `--broker`,
/// `--chat` or `--keep-open`). The handshake runs one step at a time inside
/// the broker's poll loop, so a client that stalls holds up nobody else.
/// WANT_READ/WANT_WRITE are kept per direction, because a read may need the
/// socket writable and a write may need it readable (SSL_read(3)).
final class BrokerTLS {
    let session: TLSSession
    /// What the unfinished handshake waits for; nil once it is done.
    var handshakeWaits: TLSProgress? = .wantsRead
    /// A handshake not done by then is dropped (`-w`, else 30 s).
    let handshakeDeadline: Deadline
    let handshakeTimeout: Double
    /// What the last read and write waited for (`.done`: nothing).
    var readWaits: TLSProgress = .done
    var writeWaits: TLSProgress = .done
    /// Why a read or write failed, for the line that says the client was dropped.
    var failure: String?

    /// The outcome of one handshake step.
    enum HandshakeStep {
        case waiting
        case done
        case failed(String)
    }

    init(session: TLSSession, timeout: Double) {
        self.session = session
        handshakeTimeout = timeout
        handshakeDeadline = Deadline(seconds: timeout)
    }

    var isHandshaking: Bool { handshakeWaits != nil }

    /// Runs the handshake as far as the socket allows, or gives up once the
    /// deadline has passed.
    func continueHandshake() -> HandshakeStep {
        do {
            let progress = try session.handshake()
            if progress == .done {
                handshakeWaits = nil
                return .done
            }
            handshakeWaits = progress
        } catch {
            return .failed("\(error)")
        }
        if handshakeDeadline.hasPassed {
            return .failed("handshake timed out after \(TLSHandshake.format(handshakeTimeout)) s")
        }
        return .waiting
    }

    /// Decrypted or read-ahead bytes that poll(2) cannot see: only after a
    /// read that gave data, so a partial record waiting for the rest of
    /// itself does not spin the loop.
    var mayHoldMoreInput: Bool {
        handshakeWaits == nil && readWaits == .done && session.hasPending
    }

    /// How long poll(2) may sleep for this client's sake: 0 while input
    /// waits inside OpenSSL, the time left while the handshake runs.
    func wakeUpMilliseconds(reading: Bool) -> Int32? {
        if isHandshaking { return max(0, handshakeDeadline.remainingMilliseconds) }
        return reading && mayHoldMoreInput ? 0 : nil
    }
}
