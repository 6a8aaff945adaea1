extension ChatFormat {
    /// How many users the "already connected" line names at most.
    package static let rosterLimit = 20

    /// The "already connected" line for a newcomer, naming at most `limit`
    /// users and counting the rest: "<announce> already connected: 127.0.0.1
    /// as <user1>, ... and 35 more.\n". Only the newcomer gets it and its length
    /// is bounded: ncat sends the whole list to everyone on every join,
    /// which costs the square of the users each time one arrives.
    package static func alreadyConnected(_ others: [(host: String, user: Int)], showingAtMost limit: Int) -> String {
        guard others.count > limit else { return alreadyConnected(others) }
        let shown = others.prefix(limit).map { "\($0.host) as <user\($0.user)>" }.joined(separator: ", ")
        return "<announce> already connected: \(shown) and \(others.count - limit) more.\n"
    }
}
