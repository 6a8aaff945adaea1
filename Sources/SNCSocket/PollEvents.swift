import Glibc

/// What poll(2) waits for on one descriptor, and what it reports back.
package struct PollEvents: OptionSet, Sendable {
    package let rawValue: Int16

    package init(rawValue: Int16) {
        self.rawValue = rawValue
    }

    package static let readable = PollEvents(rawValue: Int16(POLLIN))
    package static let writable = PollEvents(rawValue: Int16(POLLOUT))
    /// Reported whether asked for or not: the peer hung up, an error is
    /// pending, or the descriptor is not open. A read or write then returns
    /// at once (end of file or the error), so it counts as ready.
    package static let hangUp = PollEvents(rawValue: Int16(POLLHUP | POLLERR | POLLNVAL))
}
