import ArgumentParser
import SNCNetcat

/// How `--exec` and `--sh-exec` end snc: with the program's own status
/// (128 + the signal if one killed it), 127 or 126 if it could not be run
/// (as sh), 1 for a network failure.
enum ProgramExit {
    static func run(_ body: () throws -> ProgramStatus) throws(ExitCode) {
        let status: ProgramStatus
        do {
            status = try body()
        } catch let error as ProgramError {
            throw Diagnostics.failure(error.description, code: ExitCode(error.exitStatus))
        } catch let error as NetcatUsageError {
            throw Diagnostics.failure(error.message, code: .usage)
        } catch let error as NetcatError {
            throw Diagnostics.failure(error.description)
        } catch {
            throw Diagnostics.failure("\(error)")
        }
        if status.exitCode != 0 { throw ExitCode(status.exitCode) }
    }
}
