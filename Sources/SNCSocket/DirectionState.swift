/// Where one direction of a two-way byte stream stands, shared by the
/// netcat relay and the SSH tunnel so both end a direction the same way.
public enum DirectionState: Sendable, Equatable {
    /// The source may still produce data.
    case open
    /// The source has ended (or failed) and staged bytes are still being
    /// written to the sink.
    case draining
    /// Nothing more will move: every byte was written and the sink was
    /// told of the end (shutdown, channel EOF or closed output).
    case closed
}
