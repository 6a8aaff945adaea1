import Glibc

/// Reads a whole (bounded) file with open(2)/read(2) as bytes: what comes
/// from outside stays bytes until `TextLines` splits it.
package enum FileContents {
    package struct TooLarge: Error, CustomStringConvertible {
        package let limit: Int
        package var description: String { "file is larger than \(limit) bytes" }
    }

    package static func read(path: String, limit: Int) throws -> [UInt8] {
        let descriptor = try retrying("open") { open(path, O_RDONLY | O_CLOEXEC) }
        defer { _ = close(descriptor) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = try chunk.withUnsafeMutableBytes { buffer throws(SyscallError) in
                try retrying("read") { Glibc.read(descriptor, buffer.baseAddress, buffer.count) }
            }
            if count == 0 { return contents }
            contents.append(contentsOf: chunk[0..<count])
            if contents.count > limit { throw TooLarge(limit: limit) }
        }
    }
}

extension FileContents {
    /// Creates or truncates `path` (mode 0644) and writes all of `bytes`.
    package static func write(path: String, bytes: [UInt8]) throws(SyscallError) {
        let descriptor = try retrying("open") { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        defer { _ = close(descriptor) }
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SyscallError) in try Descriptor.writeAll(descriptor, buffer) }
        }
        try result.get()
    }
}
