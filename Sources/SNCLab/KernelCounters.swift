import SNCSocket
import Glibc

/// The kernel's TCP counters, as /proc/net/netstat and /proc/net/snmp show
/// them (what `nstat` and `netstat -s` read): pairs of lines, one naming the
/// counters of a group ("TcpExt: SyncookiesSent ListenOverflows ...") and
/// the next giving their values. Counters are for the whole machine (this
/// network namespace), so other traffic during a run is counted too.
package struct KernelCounters: Sendable, Equatable {
    /// "TcpExt.ListenOverflows" → value.
    package var values: [String: Int64]

    package init(values: [String: Int64] = [:]) {
        self.values = values
    }

    /// Parses the text of /proc/net/netstat or /proc/net/snmp; lines it does
    /// not understand are skipped.
    package init(parsing text: String) {
        values = [:]
        add(parsing: text)
    }

    package mutating func add(parsing text: String) {
        let lines = TextLines.strings(Array(text.utf8)).filter { !$0.isEmpty }
        var index = 0
        while index + 1 < lines.count {
            let header = lines[index].split(separator: " ", omittingEmptySubsequences: true)
            let numbers = lines[index + 1].split(separator: " ", omittingEmptySubsequences: true)
            guard let group = header.first, group.hasSuffix(":"), numbers.first == group, header.count == numbers.count else {
                index += 1
                continue
            }
            let prefix = group.dropLast()
            for (name, value) in zip(header.dropFirst(), numbers.dropFirst()) {
                if let number = Int64(value) { values["\(prefix).\(name)"] = number }
            }
            index += 2
        }
    }

    /// Reads both files now; missing files give no counters (not an error:
    /// some containers hide them).
    package static func read() -> KernelCounters {
        var counters = KernelCounters()
        for path in ["/proc/net/snmp", "/proc/net/netstat"] {
            if let text = try? FileContents.read(path: path, limit: 1 << 20) {
                counters.add(parsing: String(decoding: text, as: UTF8.self))
            }
        }
        return counters
    }

    /// How much each counter grew from `earlier` to `self`.
    package func delta(since earlier: KernelCounters) -> KernelCounters {
        var result: [String: Int64] = [:]
        for (key, value) in values {
            result[key] = value - (earlier.values[key] ?? 0)
        }
        return KernelCounters(values: result)
    }

    package subscript(_ key: String) -> Int64 { values[key] ?? 0 }
}

/// The counters a load report shows, in the words of a student's question:
/// what went wrong, and which kernel counter says so.
package struct CounterMeaning: Sendable {
    package let key: String
    package let meaning: String
    /// True for counters that only ever grow when something went wrong.
    package let isTrouble: Bool

    package var name: String { String(key.split(separator: ".").last ?? Substring(key)) }

    package static let all: [CounterMeaning] = [
        CounterMeaning(key: "TcpExt.ListenOverflows", meaning: "accept queue overflowed: handshakes dropped because the server did not accept() fast enough", isTrouble: true),
        CounterMeaning(key: "TcpExt.ListenDrops", meaning: "connection attempts dropped by a listening socket (overflows included)", isTrouble: true),
        CounterMeaning(key: "TcpExt.TCPSynRetrans", meaning: "SYNs sent again after no answer: each is a connect that waited 1 s, 3 s, 7 s...", isTrouble: true),
        CounterMeaning(key: "TcpExt.TCPTimeouts", meaning: "retransmission timer fired: a segment went unanswered", isTrouble: true),
        CounterMeaning(key: "Tcp.RetransSegs", meaning: "segments sent again (retransmissions of any kind)", isTrouble: true),
        CounterMeaning(key: "Tcp.AttemptFails", meaning: "connection attempts that failed during the handshake (refused or reset)", isTrouble: true),
        CounterMeaning(key: "Tcp.EstabResets", meaning: "established connections ended by a reset (RST)", isTrouble: true),
        CounterMeaning(key: "Tcp.OutRsts", meaning: "resets (RST) sent", isTrouble: true),
        CounterMeaning(key: "TcpExt.TCPAbortOnData", meaning: "reset sent because data arrived after this side had closed", isTrouble: true),
        CounterMeaning(key: "TcpExt.TCPAbortOnClose", meaning: "reset sent because a socket was closed with unread data", isTrouble: true),
        CounterMeaning(key: "TcpExt.TCPAbortOnTimeout", meaning: "connections given up after too many retransmissions", isTrouble: true),
        CounterMeaning(key: "TcpExt.TCPAbortOnMemory", meaning: "connections reset because TCP ran short of memory", isTrouble: true),
        CounterMeaning(key: "TcpExt.SyncookiesSent", meaning: "SYN queue full: handshakes answered with SYN cookies", isTrouble: true),
        CounterMeaning(key: "TcpExt.SyncookiesFailed", meaning: "SYN cookies that came back invalid", isTrouble: true),
        CounterMeaning(key: "TcpExt.TCPReqQFullDrop", meaning: "SYNs dropped because the SYN queue was full", isTrouble: true),
        CounterMeaning(key: "TcpExt.TCPReqQFullDoCookies", meaning: "SYN queue full: fell back to SYN cookies", isTrouble: true),
        CounterMeaning(key: "TcpExt.TCPBacklogDrop", meaning: "segments dropped while the socket was busy and its backlog full", isTrouble: true),
        CounterMeaning(key: "TcpExt.TCPTimeWaitOverflow", meaning: "TIME_WAIT table full: connections closed without TIME_WAIT", isTrouble: true),
        CounterMeaning(key: "Tcp.InErrs", meaning: "segments received with errors (bad checksum, no room)", isTrouble: true),
        CounterMeaning(key: "Tcp.ActiveOpens", meaning: "connections opened by connect() on this machine", isTrouble: false),
        CounterMeaning(key: "Tcp.PassiveOpens", meaning: "handshakes completed toward a listening socket", isTrouble: false),
        CounterMeaning(key: "TcpExt.TW", meaning: "TIME_WAIT sockets ended (expired, or reused by a new connection)", isTrouble: false),
        CounterMeaning(key: "TcpExt.TWRecycled", meaning: "TIME_WAIT ports reused early for a new connection", isTrouble: false),
    ]
}

/// Socket and limit figures from /proc that explain a run's trouble.
package struct SystemFigures: Codable, Sendable, Equatable {
    /// net.core.somaxconn: the cap on any listen backlog.
    package var somaxconn: Int?
    /// net.ipv4.tcp_max_syn_backlog.
    package var maxSynBacklog: Int?
    /// net.ipv4.tcp_syncookies.
    package var syncookies: Int?
    /// net.ipv4.tcp_abort_on_overflow: 1 turns accept-queue overflows into resets.
    package var abortOnOverflow: Int?
    /// net.ipv4.tcp_tw_reuse: 1 lets connect(2) reuse ports in TIME_WAIT, 2 only for loopback.
    package var timeWaitReuse: Int?
    /// net.ipv4.ip_local_port_range.
    package var localPortLow: Int?
    package var localPortHigh: Int?
    /// snc load's own RLIMIT_NOFILE, soft and hard: how many sockets its clients can hold.
    package var openFileLimit: Int?
    package var openFileHardLimit: Int?

    package init(somaxconn: Int? = nil, maxSynBacklog: Int? = nil, syncookies: Int? = nil, abortOnOverflow: Int? = nil,
                 timeWaitReuse: Int? = nil, localPortLow: Int? = nil, localPortHigh: Int? = nil,
                 openFileLimit: Int? = nil, openFileHardLimit: Int? = nil) {
        self.openFileLimit = openFileLimit
        self.openFileHardLimit = openFileHardLimit
        self.somaxconn = somaxconn
        self.maxSynBacklog = maxSynBacklog
        self.syncookies = syncookies
        self.abortOnOverflow = abortOnOverflow
        self.timeWaitReuse = timeWaitReuse
        self.localPortLow = localPortLow
        self.localPortHigh = localPortHigh
    }

    package var localPortCount: Int? {
        guard let localPortLow, let localPortHigh else { return nil }
        return localPortHigh - localPortLow + 1
    }

    package static func read() -> SystemFigures {
        func numbers(_ path: String) -> [Int] {
            guard let bytes = try? FileContents.read(path: path, limit: 4096) else { return [] }
            let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == 0x0A || byte == 0x0D }
            return bytes.split(whereSeparator: isSpace).compactMap { Int(String(decoding: $0, as: UTF8.self)) }
        }
        let range = numbers("/proc/sys/net/ipv4/ip_local_port_range")
        var files = rlimit()
        let hasFileLimit = getrlimit(CInt(RLIMIT_NOFILE.rawValue), &files) == 0
        return SystemFigures(
            somaxconn: numbers("/proc/sys/net/core/somaxconn").first,
            maxSynBacklog: numbers("/proc/sys/net/ipv4/tcp_max_syn_backlog").first,
            syncookies: numbers("/proc/sys/net/ipv4/tcp_syncookies").first,
            abortOnOverflow: numbers("/proc/sys/net/ipv4/tcp_abort_on_overflow").first,
            timeWaitReuse: numbers("/proc/sys/net/ipv4/tcp_tw_reuse").first,
            localPortLow: range.count == 2 ? range[0] : nil,
            localPortHigh: range.count == 2 ? range[1] : nil,
            openFileLimit: hasFileLimit ? Int(clamping: files.rlim_cur) : nil,
            openFileHardLimit: hasFileLimit ? Int(clamping: files.rlim_max) : nil
        )
    }

    /// TCP sockets in TIME_WAIT now, from /proc/net/sockstat ("TCP: inuse 5 orphan 0 tw 12 ...").
    package static func timeWaitSockets() -> Int? {
        guard let bytes = try? FileContents.read(path: "/proc/net/sockstat", limit: 1 << 16) else { return nil }
        return timeWaitSockets(sockstat: String(decoding: bytes, as: UTF8.self))
    }

    package static func timeWaitSockets(sockstat: String) -> Int? {
        for line in TextLines.strings(Array(sockstat.utf8)) where line.hasPrefix("TCP:") {
            let words = line.split(separator: " ")
            if let index = words.firstIndex(of: "tw"), index + 1 < words.count { return Int(words[index + 1]) }
        }
        return nil
    }
}
