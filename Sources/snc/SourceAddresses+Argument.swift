import ArgumentParser
import SNCLab

/// `--source A`, `A,B` or `A-B`: numeric local addresses (see `SourceAddresses.parse`).
extension SourceAddresses: ExpressibleByArgument {
    package init?(argument: String) {
        self.init(argument)
    }
}
