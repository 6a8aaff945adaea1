import SNCSocket
import Glibc

/// The command line of the snc that reaches the last jump host and relays
/// to the next one, as ssh builds `ssh -l USER -p PORT -J REST -F FILE -v
/// -W '[%h]:%p' HOP` for ProxyJump (ssh.c).
///
/// Why a process per hop rather than sessions nested in one thread: it is
/// what ssh does, so each hop is resolved, verified and logged in exactly
/// as `snc forward HOP` would be (its own config block, user, keys,
/// known_hosts name and port, prompts and messages), each libssh2 session
/// keeps its own thread and socket, and one owner per handle holds without
/// re-entrant send/recv callbacks between sessions. The cost is one copy
/// through a socketpair per hop, as with ssh -J.
enum JumpCommand {
    static func arguments(
        hops: [JumpHost], target: String, port: UInt16, configFile: String?, verbosity: Int
    ) throws(ForwardError) -> [String] {
        let last = hops[hops.count - 1]
        var arguments = [try executablePath(), "forward"]
        if let user = last.user { arguments += ["-l", user] }
        if let port = last.port { arguments += ["-p", String(port)] }
        if hops.count > 1 { arguments += ["-J", hops.dropLast().map(\.written).joined(separator: ",")] }
        if let configFile { arguments += ["-F", configFile] }
        if verbosity > 0 { arguments.append("-" + String(repeating: "v", count: min(verbosity, 3))) }
        arguments += ["-W", "[\(target)]:\(port)", last.host]
        return arguments
    }

    /// This very binary, so the hop runs the same snc whatever PATH says.
    private static func executablePath() throws(ForwardError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { throw .system(SyscallError("readlink", code: errno)) }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
