import ArgumentParser
import SNCLab

/// `--sweep 10,20,50`: positive concurrency levels (see `SweepLevels.parse`).
extension SweepLevels: ExpressibleByArgument {
    package init?(argument: String) {
        self.init(argument)
    }
}
