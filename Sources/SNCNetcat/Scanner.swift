import SNCSocket
import Glibc

/// `-z`: connects to each port and closes again, sending nothing. Under
/// `-v` it reports every port, open ("succeeded!") or not (nc's failure line).
/// Succeeds if any port was open.
///
/// `-z -u` has no handshake to watch: each port gets empty datagrams, and an
/// ICMP port unreachable (ECONNREFUSED on the connected socket) marks it
/// closed. Silence marks it open, as nc does, though a firewall that drops
/// the datagram looks the same ("open|filtered" in nmap's words).
struct Scanner {
    let options: ConnectOptions
    let reporter: Reporter

    /// Datagrams sent to a UDP port before silence counts as open: an ICMP
    /// answer (or a datagram) may be lost, as nc's four "X" writes allow for.
    static let datagramProbes = 3
    /// How long a UDP port has to answer without `-w`: nc's 3 seconds.
    static let datagramWaitSeconds = 3.0

    func run() throws(NetcatError) {
        guard case .internet(let host, let ranges) = options.endpoint else { return }
        let connector = Connector(options: options, reporter: reporter)
        var anyOpen = false
        for range in ranges {
            for port in range.ports {
                do {
                    if options.network.transport == .udp {
                        try probeDatagrams(host: host, port: port, connector: connector)
                    } else {
                        _ = try connector.connect(host: host, port: port)
                    }
                    anyOpen = true
                } catch {
                    if case .unknownHost = error { throw error }
                    reporter.warning(error.description, verboseOnly: true)
                }
            }
        }
        if !anyOpen { throw .noOpenPort }
    }

    /// One UDP port: each address the host resolves to in turn, until one
    /// is open. Reports an open port as nc does ("Connection to 127.0.0.1
    /// 53 port [udp/domain] succeeded!"); throws for a closed one.
    private func probeDatagrams(host: String, port: Port, connector: Connector) throws(NetcatError) {
        let network = options.network
        var lastError: NetcatError?
        for address in try connector.resolve(host: host, port: port) {
            let target = NetcatMessages.target(host: host, address: address.host)
            do {
                let socket = try connector.attempt(address, target: target, port: port)
                if let refusal = Self.probe(socket, waitSeconds: options.connectTimeout ?? Self.datagramWaitSeconds) {
                    lastError = .connectFailed(target: target, port: String(port.number), transport: .udp, error: refusal)
                    continue
                }
                reporter.info(NetcatMessages.connected(target: target, port: port.number, transport: .udp, numeric: network.numeric))
                return
            } catch {
                lastError = error
            }
        }
        throw lastError ?? .unknownHost(host: host, port: String(port.number), reason: "no address")
    }

    /// Sends empty datagrams on a connected UDP socket, spread over
    /// `waitSeconds`, and waits for an answer. Returns the error that says
    /// the port is closed (ECONNREFUSED from an ICMP port unreachable, or
    /// another ICMP error such as EHOSTUNREACH), or nil: a datagram came
    /// back, or nothing did.
    static func probe(_ socket: borrowing Socket, waitSeconds: Double) -> SyscallError? {
        let slice = max(1, Int((waitSeconds * 1000 / Double(datagramProbes)).rounded(.up)))
        var scratch = [UInt8](repeating: 0, count: 1)
        for _ in 0..<datagramProbes {
            do {
                _ = try socket.write(UnsafeRawBufferPointer(start: nil, count: 0))
            } catch {
                return error
            }
            let deadline = Deadline(milliseconds: slice)
            while !deadline.hasPassed {
                guard let ready = try? Poll.wait(for: socket.descriptor, .readable, timeoutMilliseconds: deadline.remainingMilliseconds),
                      !ready.isEmpty else { continue }
                let received = scratch.withUnsafeMutableBytes { buffer in
                    Result { () throws(SyscallError) in try socket.read(into: buffer) }
                }
                switch received {
                case .success(.done): return nil // an answer: something listens
                case .success(.wouldBlock): continue
                case .failure(let error): return error
                }
            }
        }
        return nil
    }
}
