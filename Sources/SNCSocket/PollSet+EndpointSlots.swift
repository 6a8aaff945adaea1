extension PollSet {
    /// Where one endpoint's read side and write side sit in a `PollSet`: the
    /// same slot when one descriptor does both, two slots when they differ.
    /// Kept by whoever owns the endpoint, so results are found without
    /// counting slots by hand.
    package struct EndpointSlots: Equatable, Sendable {
        package let read: Int
        package let write: Int
    }
}
