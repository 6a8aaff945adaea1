import ArgumentParser
import SNCLab

/// A size on the command line: "1024", "64K", "1MiB" (see `ByteCount.parse`).
extension ByteCount: ExpressibleByArgument {
    package init?(argument: String) {
        self.init(argument)
    }

    /// "64M" rather than the struct's fields, so --help shows what a person would type.
    package var defaultValueDescription: String { typed }
}
