import SNCSocket

/// `-q SECS`: quit SECS seconds after stdin ends, or wait for the peer to
/// close (the default) when SECS is negative, as Debian's nc reads `-q -1`.
package enum QuitTimer: Sendable, Equatable {
    case waitForPeer
    case after(TimeSpan)

    /// A `TimeSpan`, or any finite negative number for `waitForPeer`
    /// ("-1", "-0.5", "-1e300": what snc has always taken). "-inf" and "nan"
    /// are refused, as for every other duration.
    package init?(_ text: String) {
        if let span = TimeSpan(text) {
            self = .after(span)
            return
        }
        guard let value = Double(text), value.isFinite, value < 0 else { return nil }
        self = .waitForPeer
    }

    /// What `SessionOptions.quitAfterInputEnds` takes: nil waits for the peer.
    package var seconds: Double? {
        switch self {
        case .waitForPeer: nil
        case .after(let span): span.seconds
        }
    }
}
