import SNCSocket
import Glibc

/// The environment a program run by `--exec` gets: snc's own, plus the
/// connection's addresses as `SNC_REMOTE_ADDR`, `SNC_REMOTE_PORT`,
/// `SNC_LOCAL_ADDR`, `SNC_LOCAL_PORT`, `SNC_PROTO`, and the same under
/// ncat's `NCAT_` names, so scripts written for `ncat -e` work unchanged.
enum ProgramEnvironment {
    static let prefixes = ["SNC_", "NCAT_"]

    /// The variables for one connection ("NAME=value"). Unix-domain sockets
    /// have paths (often empty for a client) and no ports.
    static func variables(local: SocketAddress?, remote: SocketAddress?, transport: Transport) -> [String] {
        var values: [(String, String)] = []
        for (side, address) in [("REMOTE", remote), ("LOCAL", local)] {
            guard let address else { continue }
            let plain = address.family == AF_UNIX ? address : address.unmappingIPv4
            values.append(("\(side)_ADDR", plain.host))
            if address.family != AF_UNIX { values.append(("\(side)_PORT", String(plain.port))) }
        }
        values.append(("PROTO", transport == .udp ? "UDP" : "TCP"))
        return prefixes.flatMap { prefix in values.map { "\(prefix)\($0.0)=\($0.1)" } }
    }

    /// snc's environment with `extra` added, replacing variables of the same name.
    static func merged(with extra: [String]) -> [String] {
        let names = Set(extra.map(name(of:)))
        var result: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            let variable = String(cString: pointer)
            if !names.contains(name(of: variable)) { result.append(variable) }
            entry += 1
        }
        return result + extra
    }

    private static func name(of variable: String) -> Substring {
        variable.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(variable)
    }
}
