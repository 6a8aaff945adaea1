import SNCSocket
import Glibc

extension RelayDirection {
    /// The system calls one direction makes, as plain function values: the
    /// real Glibc (and CLinux) calls by default, scripted ones in the unit
    /// tests, which then read back which calls were made, on which
    /// descriptor and in which order (swift-system's MockingTest does the
    /// same through its `system_*` shims).
    ///
    /// Each call still goes through SNCSocket's wrapper (EINTR retried,
    /// EAGAIN a value, the typed error): only the raw call underneath is
    /// replaced. The values are non-capturing functions, so calling one costs
    /// an indirect call and nothing is allocated per call.
    package struct SystemCalls {
        package var read: Descriptor.ReadCall
        package var write: Descriptor.WriteCall
        package var send: Socket.SendCall
        package var receiveFrom: Socket.ReceiveFromCall
        package var sendTo: Socket.SendToCall
        package var splice: Splice.Call
        package var shutdown: Socket.ShutdownCall
        /// fcntl(2) F_GETFL, asked once for the local descriptor's O_NONBLOCK.
        package var statusFlags: Descriptor.StatusFlagsCall

        package init(
            read: @escaping Descriptor.ReadCall = Glibc.read,
            write: @escaping Descriptor.WriteCall = Glibc.write,
            send: @escaping Socket.SendCall = Glibc.send,
            receiveFrom: @escaping Socket.ReceiveFromCall = Glibc.recvfrom,
            sendTo: @escaping Socket.SendToCall = Glibc.sendto,
            splice: @escaping Splice.Call = Splice.systemCall,
            shutdown: @escaping Socket.ShutdownCall = Glibc.shutdown,
            statusFlags: @escaping Descriptor.StatusFlagsCall = Descriptor.statusFlagsCall
        ) {
            self.read = read
            self.write = write
            self.send = send
            self.receiveFrom = receiveFrom
            self.sendTo = sendTo
            self.splice = splice
            self.shutdown = shutdown
            self.statusFlags = statusFlags
        }
    }
}
