import CLibSSH2
import SNCSocket

/// A connection to ssh-agent (`SSH_AUTH_SOCK`): owns a `LIBSSH2_AGENT`.
///
/// It holds its session strongly, so the session outlives it.
package final class SSHAgent {
    private let session: SSHSession
    private let handle: OpaquePointer
    private var connected = false

    /// One key the agent holds.
    package struct Identity {
        /// The public key in SSH wire format.
        package let blob: [UInt8]
        package let comment: String
        fileprivate let pointer: UnsafeMutablePointer<libssh2_agent_publickey>

        /// The key's algorithm, read from the blob ("ssh-ed25519", "ssh-rsa").
        package var algorithm: String {
            guard blob.count > 4 else { return "" }
            let length = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
            guard 4 + length <= blob.count else { return "" }
            return String(decoding: blob[4..<(4 + length)], as: UTF8.self)
        }
    }

    /// Wraps `libssh2_agent_init`.
    package init(session: SSHSession) throws(SSHError) {
        guard let handle = libssh2_agent_init(session.handle) else {
            throw session.lastError(call: "libssh2_agent_init")
        }
        self.session = session
        self.handle = handle
    }

    deinit {
        if connected { _ = libssh2_agent_disconnect(handle) }
        libssh2_agent_free(handle)
    }

    /// Wraps `libssh2_agent_connect` (to the socket in SSH_AUTH_SOCK).
    package func connect() throws(SSHError) {
        let code = libssh2_agent_connect(handle)
        if code != 0 { throw session.lastError(call: "libssh2_agent_connect", code: code) }
        connected = true
    }

    /// Wraps `libssh2_agent_list_identities` and `libssh2_agent_get_identity`.
    package func identities() throws(SSHError) -> [Identity] {
        let code = libssh2_agent_list_identities(handle)
        if code != 0 { throw session.lastError(call: "libssh2_agent_list_identities", code: code) }
        var list: [Identity] = []
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        while true {
            var current: UnsafeMutablePointer<libssh2_agent_publickey>?
            let status = libssh2_agent_get_identity(handle, &current, previous)
            if status != 0 { break }
            guard let current else { break }
            let key = current.pointee
            let blob = key.blob.map { Array(UnsafeBufferPointer(start: $0, count: key.blob_len)) } ?? []
            list.append(Identity(blob: blob, comment: key.comment.map { String(cString: $0) } ?? "", pointer: current))
            previous = current
        }
        return list
    }

    /// Wraps `libssh2_agent_userauth`: the agent signs for us.
    package func authenticate(user: String, identity: Identity) throws(SSHError) -> IOResult<Void> {
        try session.check(libssh2_agent_userauth(handle, user, identity.pointer), "libssh2_agent_userauth")
    }
}
