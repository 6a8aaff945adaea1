// CLinux too: in the debug build with sanitizers (scripts/fuzz.sh) the
// SOCK_* constants are not always found through Glibc alone.
import CLinux
import Glibc

/// Which IP versions a lookup may return (`-4`, `-6`, or either).
package enum AddressFamily: Sendable {
    case any, ipv4, ipv6

    var cValue: CInt {
        switch self {
        case .any: AF_UNSPEC
        case .ipv4: AF_INET
        case .ipv6: AF_INET6
        }
    }
}

/// TCP or UDP: the socket type and protocol a lookup and a socket use.
package enum Transport: String, Sendable {
    case tcp, udp

    package var socketType: CInt {
        switch self {
        case .tcp: CInt(SOCK_STREAM.rawValue)
        case .udp: CInt(SOCK_DGRAM.rawValue)
        }
    }
}
