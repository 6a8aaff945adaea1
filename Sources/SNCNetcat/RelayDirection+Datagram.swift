import SNCSocket
import Glibc

/// UDP: one datagram at a time through the memory buffer, to and from a
/// fixed peer or (unconnected `-k -u` listener) the last one heard from.
extension RelayDirection {
    /// Receives one datagram into `buffer`. A zero-length datagram is a
    /// datagram, not end of file.
    func receiveDatagram(into buffer: ByteBuffer, _ socket: borrowing Socket, peer: DatagramPeer) throws(SyscallError) -> IOResult<Int> {
        if !peer.connected {
            guard case .done(let received) = try socket.receive(into: buffer.writable, call: calls.receiveFrom) else { return .wouldBlock }
            guard peer.heard(from: received.sender) else { return .done(0) }
            return record(buffer, committing: received.count)
        }
        let target = UnsafeMutableRawBufferPointer(rebasing: buffer.writable.prefix(Self.datagramCapacity))
        do {
            guard case .done(let count) = try socket.read(into: target, call: calls.read) else { return .wouldBlock }
            return record(buffer, committing: count)
        } catch where error.errno == .connectionRefused {
            // ICMP port unreachable for an earlier datagram: nobody listens yet; keep going as nc does.
            return .wouldBlock
        }
    }

    /// Sends what `buffer` holds as one datagram; it stays in `buffer` until sent.
    func sendDatagram(from buffer: ByteBuffer, _ socket: borrowing Socket, peer: DatagramPeer) throws(SyscallError) -> IOResult<Int> {
        if !peer.connected {
            guard let address = peer.address else { return .wouldBlock }
            return try socket.send(buffer.readable, to: address, call: calls.sendTo)
        }
        do {
            return try socket.write(buffer.readable, call: calls.send)
        } catch where error.errno == .connectionRefused {
            // The error belongs to an earlier datagram; this one was not sent, so try again.
            return .done(0)
        }
    }
}
