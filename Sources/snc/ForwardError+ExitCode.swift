import ArgumentParser
import SNCForward

extension ForwardError {
    /// 64 for usage errors, 1 for everything else (as nc exits on network failures).
    var exitCode: ExitCode {
        if case .usage = self { return .usage }
        return .failure
    }
}
