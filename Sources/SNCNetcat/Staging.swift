import SNCSocket

/// Where a relay direction holds bytes between reading and writing them.
package enum Staging {
    /// splice(2) straight from source to sink; one of them is a pipe, so the
    /// kernel moves the bytes and snc holds none.
    case direct
    /// splice(2) into snc's own pipe and out of it: zero copy between a socket
    /// and a regular file (or another socket), which cannot be spliced directly.
    case kernelPipe(PipeStage)
    /// read(2)/write(2) through memory: terminals, datagrams, `-C`, logs.
    case memory(ByteBuffer)

    /// Bytes read but not yet written.
    package var pendingCount: Int {
        switch self {
        case .direct: 0
        case .kernelPipe(let stage): stage.buffered
        case .memory(let buffer): buffer.count
        }
    }
}

/// snc's own pipe for `.kernelPipe` staging, and how much it holds.
package final class PipeStage {
    package let pipe: Pipe
    /// Bytes spliced in and not yet spliced out.
    package internal(set) var buffered = 0
    /// Set when splicing in would block although data was waiting: the pipe
    /// has run out of slots (partly filled pages count as whole ones), so the
    /// next step is to drain it, not to wait for the source.
    package internal(set) var full = false

    package init() throws(SyscallError) {
        pipe = try Pipe(capacity: 1 << 20)
    }
}
