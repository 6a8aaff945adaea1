import SNCSSH

extension SSHError {
    /// Why the server refused a channel, as libssh2 1.10 words it inside
    /// "Channel open failure (connect failed)": the part in parentheses,
    /// or the whole message when there is none.
    var channelRefusalReason: String {
        var reason = message
        if let open = reason.firstIndex(of: "("), let close = reason.lastIndex(of: ")"), open < close {
            reason = String(reason[reason.index(after: open)..<close])
        }
        return reason
    }
}
