import SNCSocket

/// The forward engine's name for the shared buffer, kept while the tunnel
/// worker is being reworked elsewhere; new code uses `ByteBuffer`'s names.
typealias RelayBuffer = ByteBuffer

extension ByteBuffer {
    func didWrite(_ count: Int) { commit(count) }

    func didRead(_ count: Int) { consume(count) }

    func append(_ bytes: [UInt8]) -> Bool { appendIfFits(bytes) }
}
