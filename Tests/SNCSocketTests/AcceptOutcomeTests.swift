import Testing
import Glibc
import SNCSocket

/// `Socket.accept` with accept4(2) replaced by a script: every errno class
/// gives its outcome, EINTR is retried, and the call trace shows it.
@Suite struct AcceptOutcomeTests {
    /// A listener the scripted call pretends to accept on (never listened on).
    private func listener() throws -> Socket {
        try Socket(family: AF_INET, type: CInt(SOCK_STREAM.rawValue))
    }

    private func accept(_ script: ScriptedCall, nonBlocking: Bool = true) throws -> AcceptOutcome {
        try listener().accept(nonBlocking: nonBlocking) { descriptor, _, _, flags in
            script.next(descriptor: descriptor, flags: flags)
        }
    }

    /// Which case an outcome is, by name (the enum is noncopyable).
    private func name(_ outcome: consuming AcceptOutcome) -> String {
        switch outcome {
        case .accepted: "accepted"
        case .none: "none"
        case .clientGone: "clientGone"
        case .outOfDescriptors: "outOfDescriptors"
        }
    }

    @Test func acceptedConnectionCarriesItsSocketAndPeer() throws {
        let socket = try listener()
        let client = Glibc.socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        #expect(client >= 0)
        var calls = 0
        var seenFlags: CInt = 0
        let outcome = try socket.accept(nonBlocking: true) { descriptor, address, length, flags in
            calls += 1
            seenFlags = flags
            if calls == 1 {
                errno = EINTR
                return -1
            }
            var peer = sockaddr_in()
            peer.sin_family = sa_family_t(AF_INET)
            peer.sin_port = in_port_t(4242).bigEndian
            peer.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee = peer }
            length.pointee = socklen_t(MemoryLayout<sockaddr_in>.size)
            return client
        }
        #expect(calls == 2, "EINTR is retried once, then the connection comes")
        #expect(seenFlags & CInt(SOCK_CLOEXEC.rawValue) != 0)
        #expect(seenFlags & CInt(SOCK_NONBLOCK.rawValue) != 0)
        guard case .accepted(let accepted) = consume outcome else {
            Issue.record("expected a connection")
            return
        }
        #expect(accepted.peer == SocketAddress(numericHost: "127.0.0.1", port: 4242))
        #expect(accepted.socket.descriptor == client)
    }

    @Test func blockingAcceptAsksForCloseOnExecOnly() throws {
        let script = ScriptedCall([.fail(EAGAIN)])
        _ = try accept(script, nonBlocking: false)
        #expect(script.trace.map(\.flags) == [CInt(SOCK_CLOEXEC.rawValue)])
    }

    @Test(arguments: [EAGAIN, EWOULDBLOCK])
    func nothingWaitingIsNone(code: CInt) throws {
        let script = ScriptedCall([.fail(EINTR), .fail(code)])
        #expect(name(try accept(script)) == "none")
        #expect(script.callCount == 2)
    }

    @Test(arguments: [ECONNABORTED, EPROTO, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, EOPNOTSUPP, ENETUNREACH])
    func clientThatLeftIsClientGone(code: CInt) throws {
        let script = ScriptedCall([.fail(code)])
        #expect(name(try accept(script)) == "clientGone")
        #expect(script.callCount == 1, "the caller decides whether to take the next one")
    }

    @Test(arguments: [EMFILE, ENFILE, ENOBUFS, ENOMEM])
    func exhaustionIsOutOfDescriptorsWithTheError(code: CInt) throws {
        let script = ScriptedCall([.fail(code)])
        guard case .outOfDescriptors(let error) = try accept(script) else {
            Issue.record("expected outOfDescriptors for errno \(code)")
            return
        }
        #expect(error == SyscallError("accept", code: code))
        #expect(script.callCount == 1)
    }

    @Test(arguments: [EBADF, EINVAL, ENOTSOCK, EFAULT, EPERM])
    func listenerFailuresAreThrown(code: CInt) throws {
        let script = ScriptedCall([.fail(code)])
        #expect(throws: SyscallError("accept", code: code)) { _ = try accept(script) }
        #expect(script.callCount == 1)
    }

    @Test func oneErrnoTableSortsTheFailures() {
        #expect(AcceptOutcome.kind(of: SyscallError("accept", code: ECONNABORTED)) == .clientGone)
        #expect(AcceptOutcome.kind(of: SyscallError("accept", code: EMFILE)) == .outOfDescriptors)
        #expect(AcceptOutcome.kind(of: SyscallError("accept", code: EBADF)) == nil)
    }

    @Test func realListenerWithNobodyWaitingIsNone() throws {
        let socket = try Socket.listening(on: try #require(SocketAddress(numericHost: "127.0.0.1", port: 0)), backlog: 4, nonBlocking: true)
        #expect(name(try socket.accept(nonBlocking: true)) == "none")
    }
}
