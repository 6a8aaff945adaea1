import Glibc
import Testing
import SNCNetcat
import SNCSocket

/// The system calls of one `RelayDirection` replaced by a script, in the
/// manner of swift-system's MockingTest: each call is recorded (which call,
/// on which descriptor, with which bytes) and takes the next step of the
/// script, whatever the call is. An unscripted call fails with EBADF, so a
/// direction that calls more often than a test expects stops with a failure
/// the test sees instead of looping.
final class RelayScript {
    enum Step {
        /// A read that returns these bytes (a write or splice: their count).
        case bytes([UInt8])
        /// The call returns this count.
        case count(Int)
        /// The call returns -1 with this errno.
        case fail(CInt)

        static let endOfFile = Step.count(0)
        static func text(_ text: String) -> Step { .bytes(Array(text.utf8)) }
    }

    enum Call: Equatable {
        case statusFlags(CInt)
        case read(CInt, count: Int)
        case write(CInt, [UInt8])
        case send(CInt, [UInt8])
        case receiveFrom(CInt, count: Int)
        case sendTo(CInt, [UInt8])
        case splice(from: CInt, to: CInt, count: Int)
        case shutdown(CInt, how: CInt)

        static func write(_ descriptor: CInt, _ text: String) -> Call { .write(descriptor, Array(text.utf8)) }
        static func send(_ descriptor: CInt, _ text: String) -> Call { .send(descriptor, Array(text.utf8)) }
    }

    private var steps: [Step]
    private(set) var trace: [Call] = []
    /// What fcntl(F_GETFL) reports for the local descriptor.
    let localFlags: CInt

    init(localFlags: CInt = 0, _ steps: [Step] = []) {
        self.localFlags = localFlags
        self.steps = steps
    }

    /// Steps not taken yet.
    var unusedSteps: Int { steps.count }

    func then(_ more: [Step]) {
        steps += more
    }

    /// The calls recorded since the last time, which are then forgotten.
    func takeTrace() -> [Call] {
        defer { trace.removeAll() }
        return trace
    }

    var calls: RelayDirection.SystemCalls {
        RelayDirection.SystemCalls(
            read: { [self] descriptor, buffer, count in
                step(.read(descriptor, count: count), filling: buffer, count: count)
            },
            write: { [self] descriptor, buffer, count in
                step(.write(descriptor, Self.copy(buffer, count)))
            },
            send: { [self] descriptor, buffer, count, _ in
                step(.send(descriptor, Self.copy(buffer, count)))
            },
            receiveFrom: { [self] descriptor, buffer, count, _, _, _ in
                step(.receiveFrom(descriptor, count: count), filling: buffer, count: count)
            },
            sendTo: { [self] descriptor, buffer, count, _, _, _ in
                step(.sendTo(descriptor, Self.copy(buffer, count)))
            },
            splice: { [self] source, target, count, _ in
                step(.splice(from: source, to: target, count: count))
            },
            shutdown: { [self] descriptor, how in
                CInt(step(.shutdown(descriptor, how: how)))
            },
            statusFlags: { [self] descriptor in
                trace.append(.statusFlags(descriptor))
                return localFlags
            }
        )
    }

    private static func copy(_ buffer: UnsafeRawPointer?, _ count: Int) -> [UInt8] {
        guard let buffer else { return [] }
        return Array(UnsafeRawBufferPointer(start: buffer, count: count))
    }

    private func step(_ call: Call, filling buffer: UnsafeMutableRawPointer? = nil, count: Int = 0) -> Int {
        trace.append(call)
        let step = steps.isEmpty ? .fail(EBADF) : steps.removeFirst()
        switch step {
        case .bytes(let bytes):
            guard let buffer else { return bytes.count }
            let length = min(bytes.count, count)
            bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(start: buffer, count: length).copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<length])) }
            return length
        case .count(let count):
            return count
        case .fail(let code):
            errno = code
            return -1
        }
    }
}

/// Directions as the relay builds them, with scripted calls. The local end
/// is descriptor 0 (stdin, outbound) or 1 (stdout, inbound): the script
/// stands in for every call on it, so the test's own stdin and stdout are
/// never touched.
enum ScriptedDirection {
    static let stdin: CInt = 0
    static let stdout: CInt = 1

    static func outbound(_ script: RelayScript, staging: Staging, localKind: Descriptor.Kind = .pipe,
                         crlf: Bool = false, datagram: DatagramPeer? = nil) -> RelayDirection {
        let direction = RelayDirection(
            localName: "stdin", networkEnd: .sink, local: stdin, localKind: localKind, staging: staging, state: .open,
            datagram: datagram, crlf: crlf, calls: script.calls)
        // The one call made at set-up: whether stdin is non-blocking.
        #expect(script.takeTrace() == [.statusFlags(stdin)])
        return direction
    }

    static func inbound(_ script: RelayScript, staging: Staging, localKind: Descriptor.Kind = .pipe,
                        discards: Bool = false, datagram: DatagramPeer? = nil) -> RelayDirection {
        let direction = RelayDirection(
            localName: "stdout", networkEnd: .source, local: stdout, localKind: localKind, staging: staging, state: .open,
            discards: discards, datagram: datagram, calls: script.calls)
        #expect(script.takeTrace() == [.statusFlags(stdout)])
        return direction
    }

    static func memory(capacity: Int = 64) -> Staging {
        .memory(ByteBuffer(capacity: capacity))
    }

    /// A real socket whose number the scripted calls see; nothing is sent on it.
    static func socket() throws -> Socket {
        try Socket(family: AF_INET, type: CInt(SOCK_STREAM.rawValue))
    }
}
