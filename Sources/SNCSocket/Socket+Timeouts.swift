import CLinux
import Glibc

extension Socket {
    /// SO_RCVTIMEO: a blocking read that waits longer than this fails with
    /// EAGAIN (`.wouldBlock`), which is how a thread per client notices an
    /// idle peer without a poll call per read. Zero waits forever.
    package func setReceiveTimeout(milliseconds: Int) throws(SyscallError) {
        try setTimeval(name: SO_RCVTIMEO, milliseconds: milliseconds)
    }

    /// SO_SNDTIMEO: a blocking write that cannot make room for this long
    /// fails with EAGAIN, so a peer that never reads cannot hold a thread forever.
    package func setSendTimeout(milliseconds: Int) throws(SyscallError) {
        try setTimeval(name: SO_SNDTIMEO, milliseconds: milliseconds)
    }

    private func setTimeval(name: CInt, milliseconds: Int) throws(SyscallError) {
        var value = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        _ = try retrying("setsockopt") {
            setsockopt(descriptor, SOL_SOCKET, name, &value, socklen_t(MemoryLayout<timeval>.size))
        }
    }

    /// SO_LINGER with a zero timeout: close(2) then sends a reset (RST) and
    /// drops unsent data, instead of the orderly FIN.
    package func setResetOnClose() throws(SyscallError) {
        var value = linger(l_onoff: 1, l_linger: 0)
        _ = try retrying("setsockopt") {
            setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &value, socklen_t(MemoryLayout<linger>.size))
        }
    }

    /// IP_BIND_ADDRESS_NO_PORT: a later bind(2) to a source address leaves
    /// the port choice to connect(2), so many sockets bound to the same
    /// source address do not each reserve a port of their own.
    package func setBindAddressNoPort() throws(SyscallError) {
        try setOption(level: CInt(IPPROTO_IP), name: snc_ip_bind_address_no_port, value: 1)
    }
}
