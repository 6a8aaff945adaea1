import SNCSocket
import Glibc

/// `--engine epoll`: one loop per core, each driving its share of the
/// concurrent clients as non-blocking sockets in one epoll set, what the
/// lab's asyncio client does, without an interpreter in the way.
enum EpollEngine {
    /// Starts `loops` loop threads sharing `concurrency` clients; returns how many started.
    static func start(_ run: LevelRun, concurrency: Int, loops: Int) -> Int {
        var started = 0
        for loop in 0..<loops {
            let share = concurrency / loops + (loop < concurrency % loops ? 1 : 0)
            guard share > 0 else { continue }
            do {
                try PosixThread.detach(stackSize: 1 << 20) {
                    do {
                        var loop = try EpollLoop(run: run, slots: share)
                        loop.drive()
                    } catch {
                        // No epoll set for this loop: the other loops claim its clients.
                        run.finish(with: [])
                    }
                }
                started += 1
            } catch {
                continue
            }
        }
        return started
    }

    /// The number of loops: one per online core, at most one per client.
    static func loopCount(concurrency: Int) -> Int {
        max(1, min(concurrency, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
    }
}

/// One client in flight in an epoll loop. It owns its socket: dropping the
/// connection closes it, which also takes it out of the epoll set.
private final class LiveConnection {
    enum Phase { case connecting, intro, sending, receipt }

    let socket: Socket
    let index: Int
    /// Distinguishes this connection from earlier ones in the same slot, so
    /// a stale event for a closed socket is ignored.
    let serial: UInt32
    let stamp: [UInt8]
    /// What is sent after the shared body: the stamp, and a newline in line mode.
    let tail: [UInt8]
    let startedAt: UInt64
    /// With `--rate`: how late against its due time it started.
    var scheduleLag: UInt64?
    var connectedAt: UInt64?
    var phase = Phase.connecting
    var deadline: UInt64
    var sent = 0
    var received = 0
    var reply: [UInt8] = []

    init(socket: consuming Socket, index: Int, serial: UInt32, stamp: [UInt8], tail: [UInt8], startedAt: UInt64, deadline: UInt64) {
        self.socket = socket
        self.index = index
        self.serial = serial
        self.stamp = stamp
        self.tail = tail
        self.startedAt = startedAt
        self.deadline = deadline
    }
}

/// The loop itself: a fixed number of slots, each running clients back to back.
private struct EpollLoop: ~Copyable {
    let run: LevelRun
    let epoll: Epoll
    var slots: [LiveConnection?]
    var serials: [UInt32]
    var records: [ClientRecord] = []
    var active = 0
    /// Slots whose last start hit a limit of this machine (EMFILE, EADDRNOTAVAIL):
    /// they start again at the next scan instead of spinning.
    var parked: Set<Int> = []
    /// With `--rate`: empty slots waiting for the next due time, and the earliest such time.
    var waiting: Set<Int> = []
    var nextDue = UInt64.max
    let scratch: UnsafeMutableRawBufferPointer

    init(run: LevelRun, slots: Int) throws(SyscallError) {
        epoll = try Epoll()
        self.run = run
        self.slots = Array(repeating: nil, count: slots)
        serials = Array(repeating: 0, count: slots)
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    }

    deinit {
        scratch.deallocate()
    }

    mutating func drive() {
        for slot in slots.indices { startNext(in: slot) }
        var events = [Epoll.Event](repeating: Epoll.Event(flags: 0, token: 0), count: 256)
        var lastScan = MonotonicClock.now()
        while active > 0 || !parked.isEmpty || !waiting.isEmpty {
            let ready: Int
            do throws(SyscallError) {
                ready = try epoll.wait(into: &events, timeoutMilliseconds: waitMilliseconds())
            } catch {
                abandonAll(as: ClientOutcome(error: error))
                break
            }
            for event in events[0..<ready] {
                let slot = Int(event.token & 0xffff_ffff)
                let serial = UInt32(truncatingIfNeeded: event.token >> 32)
                guard slot < slots.count, let connection = slots[slot], connection.serial == serial else { continue }
                advance(connection, in: slot, event: event)
            }
            let now = MonotonicClock.now()
            if !waiting.isEmpty, now >= nextDue { startWaiting() }
            if now &- lastScan >= 50_000_000 {
                lastScan = now
                if run.aborting.load(ordering: .relaxed) {
                    abandonAll(as: nil)
                    break
                }
                expire(now: now)
                restartParked()
            }
        }
        run.finish(with: records)
    }

    // MARK: Starting

    /// The epoll timeout: 50 ms for the scans, less when a scheduled client falls due sooner.
    private func waitMilliseconds() -> Int32 {
        guard !waiting.isEmpty else { return 50 }
        let now = MonotonicClock.now()
        guard nextDue > now else { return 0 }
        return Int32(min(50, (nextDue - now + 999_999) / 1_000_000))
    }

    /// Gives the slots waiting for the schedule their clients now due.
    private mutating func startWaiting() {
        let slotsWaiting = waiting
        waiting = []
        nextDue = .max
        for slot in slotsWaiting.sorted() where slots[slot] == nil { startNext(in: slot) }
    }

    /// With `--rate`: starts the client due next in `slot`, or makes the slot wait for its due time.
    private mutating func startScheduled(in slot: Int, schedule: RateSchedule) {
        while true {
            let now = MonotonicClock.now()
            switch run.claimScheduled(schedule, now: now) {
            case .done:
                return
            case .wait(let until):
                waiting.insert(slot)
                nextDue = min(nextDue, until)
                return
            case .client(let index, let due):
                serials[slot] &+= 1
                do throws(SyscallError) {
                    if try open(index: index, in: slot, startedAt: now, scheduleLag: now &- due) { return }
                } catch {
                    let outcome = ClientOutcome(error: error)
                    record(index: index, startedAt: now, connectedAt: nil, sent: 0, received: 0, outcome: outcome, scheduleLag: now &- due)
                    if outcome.isClientLimit {
                        parked.insert(slot)
                        return
                    }
                }
            }
        }
    }

    /// Starts clients in `slot` until one is in flight or the budget is spent.
    private mutating func startNext(in slot: Int) {
        if let schedule = run.schedule { return startScheduled(in: slot, schedule: schedule) }
        while let index = run.claim() {
            let startedAt = MonotonicClock.now()
            serials[slot] &+= 1
            do throws(SyscallError) {
                if try open(index: index, in: slot, startedAt: startedAt) { return }
            } catch {
                let outcome = ClientOutcome(error: error)
                record(index: index, startedAt: startedAt, connectedAt: nil, sent: 0, received: 0, outcome: outcome)
                if outcome.isClientLimit {
                    parked.insert(slot)
                    return
                }
            }
        }
    }

    /// Gives every parked slot another try (at most once per scan, about every 50 ms).
    private mutating func restartParked() {
        let waiting = parked
        parked = []
        for slot in waiting.sorted() where slots[slot] == nil { startNext(in: slot) }
    }

    /// Creates the socket and starts connecting; true if it is now in flight.
    private mutating func open(index: Int, in slot: Int, startedAt: UInt64, scheduleLag: UInt64? = nil) throws(SyscallError) -> Bool {
        let configuration = run.configuration
        let socket = try Socket(family: configuration.target.family, type: CInt(SOCK_STREAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue))
        if let source = run.source(for: index) {
            try socket.setBindAddressNoPort()
            try socket.bind(to: source)
        }
        let connectedAtOnce = try socket.connect(to: configuration.target)
        let serial = serials[slot]
        try epoll.add(socket.descriptor, interest: [.readable, .writable, .peerClosed, .edgeTriggered], token: UInt64(serial) << 32 | UInt64(slot))
        let stamp = configuration.message.stamp(for: index)
        let connection = LiveConnection(
            socket: socket, index: index, serial: serial, stamp: stamp, tail: configuration.message.tail(after: stamp),
            startedAt: startedAt, deadline: startedAt + run.timeoutNanoseconds
        )
        connection.scheduleLag = scheduleLag
        slots[slot] = connection
        active += 1
        if connectedAtOnce {
            connection.connectedAt = MonotonicClock.now()
            connection.phase = .intro
            advance(connection, in: slot, event: nil)
        }
        return true
    }

    // MARK: Driving

    /// Moves a connection on as far as its socket allows (edge-triggered:
    /// each phase reads or writes until EAGAIN).
    private mutating func advance(_ connection: LiveConnection, in slot: Int, event: Epoll.Event?) {
        do throws(SyscallError) {
            if connection.phase == .connecting {
                // EPOLLOUT alone means the handshake finished; only an error flag needs SO_ERROR.
                if event.map({ $0.isBroken }) ?? true {
                    let pending = try connection.socket.option(level: SOL_SOCKET, name: SO_ERROR)
                    if pending != 0 { throw SyscallError("connect", code: pending) }
                }
                guard let event, event.isWritable else { return }
                connection.connectedAt = MonotonicClock.now()
                connection.phase = .intro
                connection.deadline = MonotonicClock.now() + run.timeoutNanoseconds
                // The intro comes after the server's accept: an EPOLLIN edge will say so.
                guard event.isReadable else { return }
            }
            if connection.phase == .intro {
                guard let done = try readIntro(connection) else { return }
                guard done else { return finish(connection, in: slot, outcome: .badReceipt) }
                connection.phase = .sending
                connection.deadline = MonotonicClock.now() + run.timeoutNanoseconds
            }
            if connection.phase == .sending {
                guard try send(connection) else { return }
                try connection.socket.shutdown(.write)
                connection.phase = .receipt
                connection.deadline = MonotonicClock.now() + run.timeoutNanoseconds
                // The receipt cannot be here yet: the server answers our end of file. Wait for its edge.
                return
            }
            if connection.phase == .receipt {
                guard try readReceipt(connection, peerClosed: event?.hasPeerClosed ?? false) else { return }
                let expected = run.configuration.message.expectedReceipt(for: connection.stamp)
                finish(connection, in: slot, outcome: connection.reply == expected ? .completed : .badReceipt)
            }
        } catch {
            finish(connection, in: slot, outcome: ClientOutcome(error: error))
        }
    }

    /// Nil: wait for more; true: the intro line is in; false: the server closed first.
    private func readIntro(_ connection: LiveConnection) throws(SyscallError) -> Bool? {
        while true {
            switch try connection.socket.read(into: scratch) {
            case .done(0): return false
            case .done(let count):
                connection.received += count
                if scratch[0..<count].contains(UInt8(ascii: "\n")) { return true }
                if connection.received > BlockingClient.replyLimit { return false }
            case .wouldBlock: return nil
            }
        }
    }

    /// True once the whole message is sent.
    private func send(_ connection: LiveConnection) throws(SyscallError) -> Bool {
        let body = run.configuration.message.body
        let total = body.count + connection.tail.count
        while connection.sent < total {
            let sent = connection.sent
            let result = body.withUnsafeBytes { body in
                connection.tail.withUnsafeBytes { tail in
                    let skipBody = min(sent, body.count)
                    return Result { () throws(SyscallError) in
                        try connection.socket.write(
                            UnsafeRawBufferPointer(rebasing: body[skipBody...]),
                            UnsafeRawBufferPointer(rebasing: tail[(sent - skipBody)...])
                        )
                    }
                }
            }
            switch try result.get() {
            case .done(let count):
                connection.sent += count
                connection.deadline = MonotonicClock.now() + run.timeoutNanoseconds
            case .wouldBlock:
                return false
            }
        }
        return true
    }

    /// True once the server has closed after its reply. A short read with
    /// no end of file in sight means the queue is drained: the next edge
    /// (EPOLLRDHUP with the server's FIN) says when to read again, which
    /// saves a read that would only say EAGAIN.
    private func readReceipt(_ connection: LiveConnection, peerClosed: Bool) throws(SyscallError) -> Bool {
        while true {
            switch try connection.socket.read(into: scratch) {
            case .done(0): return true
            case .done(let count):
                connection.received += count
                if connection.reply.count < BlockingClient.replyLimit { connection.reply.append(contentsOf: scratch[0..<count]) }
                if count < scratch.count && !peerClosed { return false }
            case .wouldBlock: return false
            }
        }
    }

    // MARK: Ending

    private mutating func finish(_ connection: LiveConnection, in slot: Int, outcome: ClientOutcome) {
        record(index: connection.index, startedAt: connection.startedAt, connectedAt: connection.connectedAt,
               sent: connection.sent, received: connection.received, outcome: outcome, scheduleLag: connection.scheduleLag)
        slots[slot] = nil  // closes the socket
        active -= 1
        startNext(in: slot)
    }

    private mutating func record(index: Int, startedAt: UInt64, connectedAt: UInt64?, sent: Int, received: Int, outcome: ClientOutcome,
                                 scheduleLag: UInt64? = nil) {
        let now = MonotonicClock.now()
        run.count(outcome)
        var record = ClientRecord(
            finishedAt: now &- run.startedAt,
            connectNanoseconds: connectedAt.map { $0 &- startedAt },
            totalNanoseconds: now &- startedAt,
            bytesSent: sent,
            bytesReceived: received,
            outcome: outcome
        )
        record.scheduleLagNanoseconds = scheduleLag
        records.append(record)
    }

    /// Ends every connection whose deadline has passed.
    private mutating func expire(now: UInt64) {
        for slot in slots.indices {
            guard let connection = slots[slot], now >= connection.deadline else { continue }
            finish(connection, in: slot, outcome: connection.phase == .connecting ? .connectTimedOut : .replyTimedOut)
        }
    }

    /// Drops every connection in flight: recorded as `outcome`, or not at all when aborting.
    private mutating func abandonAll(as outcome: ClientOutcome?) {
        run.stopping.store(true, ordering: .relaxed)
        parked = []
        waiting = []
        for slot in slots.indices {
            guard let connection = slots[slot] else { continue }
            if let outcome {
                record(index: connection.index, startedAt: connection.startedAt, connectedAt: connection.connectedAt,
                       sent: connection.sent, received: connection.received, outcome: outcome)
            }
            slots[slot] = nil
            active -= 1
        }
    }
}
