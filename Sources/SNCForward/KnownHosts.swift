import Glibc
import SNCSSH
import SNCSocket

/// The known_hosts files for one connection, parsed by snc itself: libssh2's
/// knownhost API has no patterns, ignores `@revoked`, stops at the first line
/// it cannot parse and confuses "other key type" with "not found".
/// Files are read as bytes and split by `TextLines` (a CRLF file is a file
/// of lines, not one long line).
package struct KnownHosts: Sendable {
    package private(set) var entries: [KnownHostsEntry] = []

    package init(entries: [KnownHostsEntry] = []) {
        self.entries = entries
    }

    /// Reads every file that exists, in order (user files, then system
    /// files, as ssh loads them); missing files and bad lines are skipped.
    package static func load(files: [String]) -> KnownHosts {
        var hosts = KnownHosts()
        for file in files {
            guard let bytes = try? FileContents.read(path: file, limit: 64 << 20) else { continue }
            hosts.entries += parse(bytes, file: file)
        }
        return hosts
    }

    package static func parse(_ bytes: some BidirectionalCollection<UInt8>, file: String) -> [KnownHostsEntry] {
        var result: [KnownHostsEntry] = []
        for (index, line) in TextLines.split(bytes).enumerated() {
            if let entry = KnownHostsEntry(line: line, file: file, line: index + 1) { result.append(entry) }
        }
        return result
    }

    package static func parse(_ text: String, file: String) -> [KnownHostsEntry] {
        parse(Array(text.utf8), file: file)
    }

    /// The name known_hosts uses for a host (OpenSSH `put_host_port`):
    /// "name" on port 22 (or 0, "no port"), "[name]:port" otherwise.
    package static func lookupName(host: String, port: UInt16) -> String {
        port == 22 || port == 0 ? host : "[\(host)]:\(port)"
    }

    /// The lines that name `name`, in file order (OpenSSH `load_hostkeys`).
    package func entries(named name: String) -> [KnownHostsEntry] {
        entries.filter { $0.matches(host: name) }
    }

    /// The plain key lines (not CA, not revoked) that name this host.
    package func keys(host: String, port: UInt16) -> [KnownHostsEntry] {
        entries(named: Self.lookupName(host: host, port: port)).filter { $0.marker == .none }
    }

    /// What known_hosts says about a key under one name: OpenSSH's
    /// `check_key_in_hostkeys`, case for case.
    package enum Status: Sendable, Equatable {
        /// A plain line for this name holds this key.
        case ok(KnownHostsEntry)
        /// No plain line names this host.
        case new
        /// Plain lines name this host but none holds this key, whatever their
        /// type: `offending` is the last of them, the line ssh reports.
        case changed(offending: KnownHostsEntry)
        /// A `@revoked` line for this name lists this key.
        case revoked
    }

    package func status(of key: SSHHostKey, named name: String) -> Status {
        let named = entries(named: name)
        var status = Status.new
        for entry in named where entry.marker == .none {
            if entry.keyBlob == key.blob {
                status = .ok(entry)
                break
            }
            status = .changed(offending: entry)
        }
        if named.contains(where: { $0.marker == .revoked && $0.keyBlob == key.blob }) { return .revoked }
        return status
    }

    /// The key types of the plain lines for `name`: what OpenSSH moves to the
    /// front of its host key algorithm proposal.
    package func keyTypes(named name: String) -> Set<String> {
        Set(entries(named: name).filter { $0.marker == .none }.map(\.keyType))
    }

    /// Plain lines holding this key under names other than `names`, as
    /// ssh's `hostkeys_find_by_key` lists them in the "ask" prompt.
    package func otherNames(for key: SSHHostKey, excluding names: [String]) -> [KnownHostsEntry] {
        entries.filter { entry in
            entry.marker == .none && entry.keyBlob == key.blob && !names.contains(where: { entry.matches(host: $0) })
        }
    }

    /// The line ssh appends for a newly accepted key (`write_host_entry`):
    /// the name lowercased, plain or hashed (HashKnownHosts), no comment.
    package static func line(name: String, key: SSHHostKey, hashed: Bool) -> String {
        let lowered = String(decoding: name.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        return "\(hashed ? KnownHostsEntry.hashName(lowered) : lowered) \(key.algorithm) \(Base64.encode(key.blob))"
    }

    package static func line(host: String, port: UInt16, key: SSHHostKey, hashed: Bool) -> String {
        line(name: lookupName(host: host, port: port), key: key, hashed: hashed)
    }

    /// Appends a line to a known_hosts file, creating the file if needed.
    /// Like ssh's `hostfile_create_user_ssh_dir`, a missing directory is
    /// created (0700) only when it is `userDirectory` (~/.ssh).
    package static func append(_ line: String, to path: String, userDirectory: String? = nil) throws(SyscallError) {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex, let userDirectory {
            let directory = String(path[..<slash])
            if directory == userDirectory, access(directory, F_OK) != 0 { _ = mkdir(directory, 0o700) }
        }
        let descriptor = try retrying("open") { open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600) }
        defer { _ = close(descriptor) }
        // A file whose last line lacks its newline would glue our line onto
        // it (ssh does glue it, and loses the key in a comment): start a line.
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
