/// How the connection to the SSH server is carried when it is not a plain
/// TCP connection: through jump hosts (`-J`, `ProxyJump`) or through a
/// command's stdin and stdout (`ProxyCommand`).
package enum ProxySetting: Sendable, Equatable {
    /// Hops in the order they are reached; never empty.
    case jump([JumpHost])
    /// The command as written, `%` tokens not yet expanded.
    case command(String)

    /// The line `ssh -G` prints for it.
    var dumpLine: String {
        switch self {
        case .command(let command):
            return "proxycommand \(command)"
        case .jump(let hops):
            // ssh keeps the earlier hops as written and rebuilds the last one.
            let earlier = hops.dropLast().map(\.written)
            return "proxyjump " + (earlier + [hops[hops.count - 1].normalized]).joined(separator: ",")
        }
    }
}
