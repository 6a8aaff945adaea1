/// How a lab client ends its message (`snc serve --message-end`, and the
/// matching `snc load --message-end`).
package enum MessageEnd: String, Sendable, CaseIterable {
    /// The client half-closes its sending side (Ctrl-D, `nc -N`,
    /// `shutdown(SHUT_WR)`): the lab's protocol, a message of any bytes.
    case eof
    /// The first newline (byte 0x0A) ends the message, or the end of file if
    /// it comes first, so a client that sends one line and waits (a lab-1
    /// client, `nc` without `-N`) gets its receipt. The newline and one
    /// carriage return before it are not part of the message.
    case line
}
