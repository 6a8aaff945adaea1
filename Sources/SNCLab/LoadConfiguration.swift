import SNCSocket

/// Everything one `snc load` run was asked to do.
package struct LoadConfiguration: Sendable {
    /// How clients are driven.
    package enum Engine: String, Sendable, CaseIterable {
        /// A thread per client with blocking calls (the lab's bonus client).
        case threads
        /// One epoll loop per core, each driving many non-blocking clients (what asyncio does, natively).
        case epoll
    }

    /// When a level ends.
    package enum Budget: Sendable, Equatable {
        /// After this many connections have been started (and have finished).
        case connections(Int)
        /// When this many seconds have passed (clients in flight then finish).
        case duration(Double)
    }

    /// The server's address, as resolved.
    package var target: SocketAddress
    /// How the user named it, for the report.
    package var targetName: String
    package var engine: Engine
    package var message: LoadMessage
    /// Bound on connecting, and on each wait for the server's intro and receipt.
    package var timeout: Double
    /// Local addresses to bind before connecting, in turn; empty: the kernel picks.
    package var sources: [SocketAddress]
    /// Stack size of each client thread in the threads engine.
    package var threadStackSize: Int
    /// `--rate`: new connections per second on a schedule (an open loop); nil: the closed loop.
    package var rate: Double? = nil

    package init(target: SocketAddress, targetName: String, engine: Engine, message: LoadMessage, timeout: Double, sources: [SocketAddress] = [], threadStackSize: Int = 128 << 10) {
        self.target = target
        self.targetName = targetName
        self.engine = engine
        self.message = message
        self.timeout = timeout
        self.sources = sources
        self.threadStackSize = threadStackSize
    }
}

/// One level of a run: how many clients at once, and for how long.
package struct LoadLevel: Sendable, Equatable {
    package var concurrency: Int
    package var budget: LoadConfiguration.Budget
    /// With a connections budget: keep starting clients (a closed loop)
    /// until this many seconds have passed too, so the level fills enough
    /// IO-graph intervals to be read (0: stop at the budget).
    package var minimumSeconds: Double

    package init(concurrency: Int, budget: LoadConfiguration.Budget, minimumSeconds: Double = 0) {
        self.concurrency = concurrency
        self.budget = budget
        self.minimumSeconds = minimumSeconds
    }

    /// The default --level-duration: 20 intervals of the IO graph (100 ms each).
    package static let defaultMinimumSeconds = 2.0

    /// Most clients at once (-c, each --sweep level): far beyond what one
    /// machine's ports and threads allow, small enough that no count overflows.
    package static let maxConcurrency = 1_000_000
    /// Most connections per level (-n).
    package static let maxConnections = 1_000_000_000

    /// The default connections per level when neither -n nor --duration is
    /// given: enough for every client to connect at least twice, and at least 1000.
    package static func defaultConnections(concurrency: Int) -> Int {
        let (twice, overflow) = concurrency.multipliedReportingOverflow(by: 2)
        return overflow ? .max : max(1000, twice)
    }
}
