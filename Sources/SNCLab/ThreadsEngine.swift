import SNCSocket
import Glibc

/// `--engine threads`: one thread per concurrent client, each running
/// blocking exchanges back to back until the level's budget is spent (the
/// lab's bonus client, done with small thread stacks so 10,000 fit).
enum ThreadsEngine {
    /// Starts the worker threads and returns how many are running. A thread
    /// that cannot be started (EAGAIN: out of threads or memory) is retried
    /// for a few seconds; after that the level runs with fewer clients.
    static func start(_ run: LevelRun, workers: Int) -> Int {
        var started = 0
        for _ in 0..<workers {
            var waitMilliseconds: Int32 = 1
            var waited: Int32 = 0
            while true {
                do {
                    try PosixThread.detach(stackSize: run.configuration.threadStackSize) {
                        work(run)
                    }
                    started += 1
                    break
                } catch {
                    guard waited < 5000 else { return started }
                    var none: [pollfd] = []
                    _ = try? Poll.wait(&none, timeoutMilliseconds: waitMilliseconds)
                    waited += waitMilliseconds
                    waitMilliseconds = min(waitMilliseconds * 2, 250)
                }
            }
        }
        return started
    }

    private static func work(_ run: LevelRun) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: BlockingClient.replyLimit, alignment: 16)
        defer { buffer.deallocate() }
        let client = BlockingClient(run: run, buffer: buffer)
        var records: [ClientRecord] = []
        while !run.aborting.load(ordering: .relaxed), let index = run.claim() {
            let record = client.exchange(index: index)
            run.count(record.outcome)
            records.append(record)
            if record.outcome.isClientLimit {
                // Out of descriptors or ports: trying again at once would only spin.
                var none: [pollfd] = []
                _ = try? Poll.wait(&none, timeoutMilliseconds: LevelRun.clientLimitBackoffMilliseconds)
            }
        }
        run.finish(with: records)
    }
}
