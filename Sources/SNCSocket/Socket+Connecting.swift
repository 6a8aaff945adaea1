import Glibc

extension Socket {
    /// Connects with a deadline, as nc's `-w` does: a non-blocking connect,
    /// poll(2) for writability, then the outcome from SO_ERROR. The socket
    /// is left non-blocking, as a relay wants it. `deadline` nil waits as
    /// long as the kernel does.
    package func connectNonBlocking(to address: SocketAddress, deadline: Deadline?) throws(ConnectFailure) {
        do {
            try setNonBlocking(true)
            if try connect(to: address) { return }
        } catch {
            throw .failed(error)
        }
        try awaitConnection(deadline: deadline)
    }

    /// The same for a caller that wants the socket back in the blocking mode
    /// it had and sees a passed deadline as ETIMEDOUT.
    package func connect(to address: SocketAddress, timeoutMilliseconds: Int32?) throws(SyscallError) {
        do throws(ConnectFailure) {
            guard let timeoutMilliseconds else {
                if try blockingConnect(to: address) { return }
                // A blocking connect interrupted by a signal completes in the background.
                try awaitConnection(deadline: nil)
                return
            }
            let wasNonBlocking: Bool
            do { wasNonBlocking = try isNonBlocking } catch { throw .failed(error) }
            try connectNonBlocking(to: address, deadline: Deadline(milliseconds: Int(timeoutMilliseconds)))
            do { try setNonBlocking(wasNonBlocking) } catch { throw .failed(error) }
        } catch {
            switch error {
            case .timedOut: throw SyscallError("connect", code: ETIMEDOUT)
            case .failed(let failure): throw failure
            }
        }
    }

    private func blockingConnect(to address: SocketAddress) throws(ConnectFailure) -> Bool {
        do { return try connect(to: address) } catch { throw .failed(error) }
    }

    /// Waits for an attempt in progress to finish and reads its result.
    private func awaitConnection(deadline: Deadline?) throws(ConnectFailure) {
        while true {
            let ready: PollEvents
            do {
                ready = try Poll.wait(for: descriptor, .writable, timeoutMilliseconds: deadline?.remainingMilliseconds ?? -1)
            } catch {
                throw .failed(error)
            }
            if !ready.isEmpty { break }
            if let deadline, deadline.hasPassed { throw .timedOut }
        }
        let pending: CInt
        do {
            pending = try option(level: SOL_SOCKET, name: SO_ERROR)
        } catch {
            throw .failed(error)
        }
        if pending != 0 { throw .failed(SyscallError("connect", code: pending)) }
    }
}
