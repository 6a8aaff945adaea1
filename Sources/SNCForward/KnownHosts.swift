#if canImport(Glibc)
import Glibc
#endif
import SNCSSH
import SNCSocket

/// The known_hosts files for one connection, parsed by snc itself: libssh2's
/// knownhost API has no patterns, ignores `@revoked`, stops at the first line
/// it cannot parse and confuses "other key type" with "not found".
package struct KnownHosts: Sendable {
    package private(set) var entries: [KnownHostsEntry] = []

    package init(entries: [KnownHostsEntry] = []) {
        self.entries = entries
    }

    /// Reads every file that exists; missing files and bad lines are skipped.
    package static func load(files: [String]) -> KnownHosts {
        var hosts = KnownHosts()
        for file in files {
            guard let text = SSHConfigParser.readFile(file) else { continue }
            hosts.entries += parse(text, file: file)
        }
        return hosts
    }

    package static func parse(_ text: String, file: String) -> [KnownHostsEntry] {
        var result: [KnownHostsEntry] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let entry = KnownHostsEntry(line: line, file: file, line: index + 1) { result.append(entry) }
        }
        return result
    }

    /// The name known_hosts uses for a host: "name" on port 22, "[name]:port" otherwise.
    package static func lookupName(host: String, port: UInt16) -> String {
        port == 22 ? host : "[\(host)]:\(port)"
    }

    /// The plain key lines (not CA, not revoked) that name this host.
    package func keys(host: String, port: UInt16) -> [KnownHostsEntry] {
        let name = Self.lookupName(host: host, port: port)
        return entries.filter { $0.marker == .none && $0.matches(host: name) }
    }

    /// The key types known for this host, in file order, without repeats:
    /// what OpenSSH puts first in its host key algorithm proposal.
    package func keyTypes(host: String, port: UInt16) -> [String] {
        var types: [String] = []
        for entry in keys(host: host, port: port) where !types.contains(entry.keyType) {
            types.append(entry.keyType)
        }
        return types
    }

    /// What known_hosts says about the key a server presented.
    package enum Verdict: Sendable, Equatable {
        /// A line names this host with this key.
        case known(KnownHostsEntry)
        /// A `@revoked` line lists this key.
        case revoked(KnownHostsEntry)
        /// Lines name this host with a different key of the same type.
        case changed(offending: [KnownHostsEntry])
        /// Nothing for this key type (other types may be known: `otherTypes`).
        case unknown(otherTypes: [String])
    }

    package func verdict(host: String, port: UInt16, key: SSHHostKey) -> Verdict {
        let name = Self.lookupName(host: host, port: port)
        let named = entries.filter { $0.marker != .certificateAuthority && $0.matches(host: name) }
        if let revoked = entries.first(where: { $0.marker == .revoked && $0.keyBlob == key.blob }) {
            return .revoked(revoked)
        }
        let plain = named.filter { $0.marker == .none }
        if let match = plain.first(where: { $0.keyBlob == key.blob }) { return .known(match) }
        let sameType = plain.filter { $0.keyType == key.algorithm }
        if !sameType.isEmpty { return .changed(offending: sameType) }
        return .unknown(otherTypes: keyTypes(host: host, port: port))
    }

    /// Other names under which the same key is stored (unhashed ones only, as ssh shows them).
    package func otherNames(for key: SSHHostKey) -> [KnownHostsEntry] {
        entries.filter { $0.marker == .none && $0.keyBlob == key.blob }
    }

    /// The line snc appends for a newly accepted key: plain or hashed (HashKnownHosts).
    package static func line(host: String, port: UInt16, key: SSHHostKey, hashed: Bool) -> String {
        let name = lookupName(host: host, port: port)
        return "\(hashed ? KnownHostsEntry.hashName(name) : name) \(key.algorithm) \(Base64.encode(key.blob))"
    }

    /// Appends a line to a known_hosts file, creating it (and its directory, 0700) if needed.
    package static func append(_ line: String, to path: String) throws(SyscallError) {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            let directory = String(path[..<slash])
            if access(directory, F_OK) != 0 { _ = mkdir(directory, 0o700) }
        }
        let descriptor = try retrying("open") { open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600) }
        defer { _ = close(descriptor) }
        // A file whose last line lacks its newline would glue our line onto it.
        var text = line + "\n"
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_size > 0 {
            let reader = open(path, O_RDONLY | O_CLOEXEC)
            if reader >= 0 {
                var last: UInt8 = 0
                if pread(reader, &last, 1, off_t(info.st_size - 1)) == 1, last != 10 { text = "\n" + text }
                _ = close(reader)
            }
        }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let start = offset
            offset += try retrying("write") {
                bytes.withUnsafeBytes { buffer in write(descriptor, buffer.baseAddress.map { $0 + start }, buffer.count - start) }
            }
        }
    }
}
