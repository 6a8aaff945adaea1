import Glibc

/// A system call replaced by a script, in the manner of swift-system's
/// MockingTest: each call takes the next step (a result, or -1 with an
/// errno) and the arguments are recorded, so a test sees the call trace.
final class ScriptedCall {
    enum Step {
        case fail(CInt)
        case succeed(CInt)
    }

    private var steps: [Step]
    private(set) var trace: [(descriptor: CInt, flags: CInt)] = []

    init(_ steps: [Step]) {
        self.steps = steps
    }

    var callCount: Int { trace.count }

    /// Runs the next step; an unscripted call fails with EBADF, so a test
    /// that calls too often fails instead of looping.
    func next(descriptor: CInt = -1, flags: CInt = 0) -> CInt {
        trace.append((descriptor, flags))
        let step = steps.isEmpty ? .fail(EBADF) : steps.removeFirst()
        switch step {
        case .fail(let code):
            errno = code
            return -1
        case .succeed(let value):
            return value
        }
    }
}
