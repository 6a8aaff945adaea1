import SNCSocket
import Glibc

/// The `--output` and `--hex-dump` files: every byte sent or received, as
/// text and/or as ncat's hex dump. Owns both descriptors and closes them.
package final class SessionLog {
    private let output: CInt?
    private let hexDump: CInt?
    private let outputPath: String?
    private let hexDumpPath: String?

    /// Opens (creates or truncates, mode 0644) the files that are named; nil if neither is.
    package static func open(output: String?, hexDump: String?) throws(NetcatError) -> SessionLog? {
        if output == nil && hexDump == nil { return nil }
        let outputDescriptor = try output.map { path throws(NetcatError) in try openFile(path) }
        let hexDescriptor: CInt?
        do {
            hexDescriptor = try hexDump.map { path throws(NetcatError) in try openFile(path) }
        } catch {
            if let outputDescriptor { _ = Glibc.close(outputDescriptor) }
            throw error
        }
        return SessionLog(output: outputDescriptor, outputPath: output, hexDump: hexDescriptor, hexDumpPath: hexDump)
    }

    private init(output: CInt?, outputPath: String?, hexDump: CInt?, hexDumpPath: String?) {
        self.output = output
        self.outputPath = outputPath
        self.hexDump = hexDump
        self.hexDumpPath = hexDumpPath
    }

    deinit {
        if let output { _ = Glibc.close(output) }
        if let hexDump { _ = Glibc.close(hexDump) }
    }

    /// Wraps `open(2)` with O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC.
    private static func openFile(_ path: String) throws(NetcatError) -> CInt {
        do {
            return try retrying("open") { Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        } catch {
            throw .logFile(path: path, error: error)
        }
    }

    /// Appends one chunk that was sent or received.
    package func record(_ bytes: UnsafeRawBufferPointer) throws(NetcatError) {
        guard !bytes.isEmpty else { return }
        if let output {
            do { try Descriptor.writeAll(output, bytes) } catch { throw .logFile(path: outputPath ?? "", error: error) }
        }
        if let hexDump {
            var text = HexDump.format(bytes)
            let result = text.withUTF8 { utf8 in
                Result { () throws(SyscallError) in try Descriptor.writeAll(hexDump, UnsafeRawBufferPointer(utf8)) }
            }
            if case .failure(let error) = result { throw .logFile(path: hexDumpPath ?? "", error: error) }
        }
    }
}
