import Glibc

/// The descriptors of one poll(2) call, added in a fixed order so that the
/// caller finds each one's result by the index `add` returned.
package struct PollSet {
    private var entries: [pollfd] = []

    package init() {}

    package var count: Int { entries.count }

    /// Whether no slot holds a descriptor: poll(2) could only time out.
    package var isEmpty: Bool { entries.allSatisfy { $0.fd < 0 } }

    /// Empties the set for the next round, keeping its storage.
    package mutating func removeAll() {
        entries.removeAll(keepingCapacity: true)
    }

    /// Adds `descriptor`, waiting for `events`. With nothing to wait for
    /// (`events` empty or `wanted` false) the slot holds -1, which poll(2)
    /// skips: indexes stay fixed, and a descriptor that has hung up does not
    /// wake the loop over and over with POLLHUP.
    @discardableResult
    package mutating func add(_ descriptor: CInt, waitingFor events: PollEvents, if wanted: Bool = true) -> Int {
        let waits = wanted && !events.isEmpty
        entries.append(pollfd(fd: waits ? descriptor : -1, events: events.rawValue, revents: 0))
        return entries.count - 1
    }

    /// Adds each of `descriptors` in order, all waiting for `events` (or all
    /// left out, as with `add`); the range holds their slots, in the same order.
    /// Inlinable, so that the tunnel's `listeners.lazy.map { ... }` is
    /// specialized at the call site: generic across modules, its iterator's
    /// metadata was looked up at run time on every poll round (seen in a
    /// profile of the `-J` round trip).
    @inlinable
    @discardableResult
    package mutating func add(contentsOf descriptors: some Sequence<CInt>, waitingFor events: PollEvents, if wanted: Bool = true) -> Range<Int> {
        let first = count
        for descriptor in descriptors { add(descriptor, waitingFor: events, if: wanted) }
        return first..<count
    }

    /// Adds an endpoint that reads from `input` and writes to `output`. One
    /// descriptor doing both (a socket) takes one slot waiting for both
    /// directions; two descriptors (stdin and stdout) take a slot each, so
    /// that each is asked only about its own direction.
    @discardableResult
    package mutating func add(reading input: CInt, if wantsRead: Bool, writing output: CInt, if wantsWrite: Bool) -> EndpointSlots {
        guard input == output else {
            let read = add(input, waitingFor: .readable, if: wantsRead)
            return EndpointSlots(read: read, write: add(output, waitingFor: .writable, if: wantsWrite))
        }
        var events: PollEvents = []
        if wantsRead { events.insert(.readable) }
        if wantsWrite { events.insert(.writable) }
        let slot = add(input, waitingFor: events)
        return EndpointSlots(read: slot, write: slot)
    }

    /// Wraps `poll(2)` through `Poll.wait`: the number of ready descriptors,
    /// 0 on timeout or EINTR.
    package mutating func wait(timeoutMilliseconds: Int32) throws(SyscallError) -> Int {
        try Poll.wait(&entries, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// What poll(2) reported for the slot at `index` in the last `wait`.
    package func reported(_ index: Int) -> PollEvents {
        PollEvents(rawValue: entries[index].revents)
    }

    /// Whether the slot at `index` is ready for any of `events`, a hang-up counting as ready.
    package func isReady(_ index: Int, for events: PollEvents) -> Bool {
        !reported(index).isDisjoint(with: events.union(.hangUp))
    }

    /// Whether the endpoint's read side is readable (or hung up) after the last `wait`.
    package func isReadable(_ endpoint: EndpointSlots) -> Bool {
        isReady(endpoint.read, for: .readable)
    }

    /// Whether the endpoint's write side is writable (or hung up) after the last `wait`.
    package func isWritable(_ endpoint: EndpointSlots) -> Bool {
        isReady(endpoint.write, for: .writable)
    }
}
