import ArgumentParser
import SNCSocket

/// A port on the command line: 1 to 65535 or a TCP service name ("http").
extension Port: ExpressibleByArgument {
    package init?(argument: String) {
        self.init(argument)
    }
}
