import SNCForward
import SNCSSH
import SNCSocket

/// known_hosts: the first line is the host to look up, the rest is the file.
enum KnownHostsHarness {
    static func run(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
        let (head, rest) = input.splitAtFirstNewline
        let host = String(decoding: head, as: UTF8.self)
        _ = TextLines.split(rest)
        let knownHosts = KnownHosts(entries: KnownHosts.parse(rest, file: "fuzz"))
        for entry in knownHosts.entries {
            precondition(!entry.keyBlob.isEmpty, "a parsed entry has a key")
            _ = entry.matches(host: host)
            _ = KnownHostsEntry.displayType(of: entry.keyType)
        }
        for port: UInt16 in [22, 2222] {
            let name = KnownHosts.lookupName(host: host, port: port)
            _ = knownHosts.keyTypes(named: name)
            // Present each key of the file, and one nobody knows, as the server's.
            let presented = knownHosts.entries.prefix(4).map { SSHHostKey(blob: $0.keyBlob, algorithm: $0.keyType) }
                + [SSHHostKey(blob: Array(head), algorithm: "ssh-ed25519")]
            for key in presented {
                _ = knownHosts.status(of: key, named: name)
                _ = knownHosts.otherNames(for: key, excluding: [name])
            }
        }
        return 0
    }
}
