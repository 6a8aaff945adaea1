import ArgumentParser
import SNCNetcat

/// `-q SECS`: a duration, or a negative number for "wait for the peer".
extension QuitTimer: ExpressibleByArgument {
    package init?(argument: String) {
        self.init(argument)
    }
}
