import ArgumentParser
import SNCNetcat

/// How netcat commands turn their results into messages and exit codes:
/// 0 success, 1 network (and other runtime) failure, 64 usage error.
enum NetcatExit {
    /// The command line checked into options by `check`; a usage error is
    /// reported as one "snc: ..." line with exit 64.
    static func checked<Options>(_ check: () throws(NetcatUsageError) -> Options) throws(ExitCode) -> Options {
        do {
            return try check()
        } catch {
            throw Diagnostics.failure(error.message, code: .usage)
        }
    }

    /// Runs `body`, reporting any failure as one "snc: ..." line.
    /// - Parameter failingIdleTimeout: `--idle-timeout`'s seconds: an idle
    ///   timeout is then a failure (ncat); with nil (nc's `-w`) it ends quietly.
    static func run(failingIdleTimeout: Double?, _ body: () throws -> RelayOutcome) throws(ExitCode) {
        let outcome: RelayOutcome
        do {
            outcome = try body()
        } catch let error as NetcatUsageError {
            throw Diagnostics.failure(error.message, code: .usage)
        } catch let error as NetcatError {
            throw failure(error)
        } catch let error as ExitCode {
            throw error
        } catch {
            throw Diagnostics.failure("\(error)")
        }
        switch outcome {
        case .completed, .quitAfterInputEnded:
            return
        case .idleTimedOut:
            // nc's -w ends quietly with 0; ncat's --idle-timeout is a failure.
            guard let seconds = failingIdleTimeout else { return }
            throw Diagnostics.failure(NetcatError.idleTimeout(seconds: seconds).description)
        case .failed(let error):
            throw failure(error)
        }
    }

    private static func failure(_ error: NetcatError) -> ExitCode {
        // A scan that found nothing open says so only with -v, as nc.
        if case .noOpenPort = error { return .failure }
        return Diagnostics.failure(error.description)
    }
}
