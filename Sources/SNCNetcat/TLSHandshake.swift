import SNCSocket
import SNCTLS
import Glibc

/// The TLS handshake on a connected non-blocking socket, with poll(2)
/// between steps and a deadline (`-w`), so a peer that stalls or sends
/// garbage ends the attempt instead of hanging it.
enum TLSHandshake {
    /// - Parameter peerName: how messages name the peer ("127.0.0.1 port 4433").
    static func perform(_ session: TLSSession, socket: borrowing Socket, timeout: Double, peerName: String) throws(NetcatError) {
        let deadline = Deadline(seconds: timeout)
        while true {
            let progress: TLSProgress
            do {
                progress = try session.handshake()
            } catch {
                throw .tls("TLS with \(peerName) failed: \(error)")
            }
            let events: CInt
            switch progress {
            case .done: return
            case .wantsRead: events = POLLIN
            case .wantsWrite: events = POLLOUT
            }
            if deadline.hasPassed { throw timedOut(peerName, timeout) }
            let ready: PollEvents
            do {
                ready = try Poll.wait(for: socket.descriptor, PollEvents(rawValue: Int16(events)), timeoutMilliseconds: deadline.remainingMilliseconds)
            } catch {
                throw .system(error)
            }
            if ready.isEmpty && deadline.hasPassed { throw timedOut(peerName, timeout) }
        }
    }

    private static func timedOut(_ peerName: String, _ seconds: Double) -> NetcatError {
        .tls("TLS handshake with \(peerName) timed out after \(Self.format(seconds)) s")
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && seconds < 1e9 ? String(Int(seconds)) : String(seconds)
    }
}
