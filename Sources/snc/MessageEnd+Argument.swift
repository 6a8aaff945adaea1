import ArgumentParser
import SNCLab

/// `--message-end eof|line` for `snc serve` and `snc load`.
extension MessageEnd: ExpressibleByArgument {}
