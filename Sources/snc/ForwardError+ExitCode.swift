import ArgumentParser
import SNCForward

extension ForwardError {
    /// 64 for usage errors, 1 for everything else (as nc exits on network failures).
    var exitCode: ExitCode {
        switch self {
        case .usage: return .usage
        // A jump host's config can be as wrong as the destination's.
        case .jumpHost(_, let error): return error.exitCode
        default: return .failure
        }
    }
}
