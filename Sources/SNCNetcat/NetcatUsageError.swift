/// Arguments that do not make a valid netcat command: a bad port, a bad
/// timeout, options that cannot go together. The command exits 64 (EX_USAGE)
/// after printing `message` as one line.
package struct NetcatUsageError: Error, Sendable, Equatable, CustomStringConvertible {
    package let message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}
