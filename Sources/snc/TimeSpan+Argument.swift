import ArgumentParser
import SNCSocket

/// A duration on the command line: decimal seconds ("2", "0.5"), or with
/// ncat's units ("500ms", "2s", "1m", "1h"). Garbage,
/// NaN, infinities and negative numbers fail here, so ArgumentParser names
/// the option and the value in its one-line usage error (exit 64). Options
/// of this type parse `.unconditional`ly, so that "-1" reaches this parser
/// instead of being read as an option.
extension TimeSpan: ExpressibleByArgument {
    package init?(argument: String) {
        self.init(argument)
    }
}
