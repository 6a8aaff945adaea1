/// OpenSSH's host patterns (ssh_config(5) PATTERNS, sshd(8) known_hosts):
/// `*` matches any run of characters, `?` exactly one, and a comma list
/// matches when some plain pattern matches and no `!negated` one does.
/// Matching ignores case, as OpenSSH's `match_hostname` does.
package enum HostPattern {
    /// One glob against one name (OpenSSH `match_pattern`).
    package static func matches(_ name: String, glob: String) -> Bool {
        matches(Array(name.lowercased().utf8)[...], Array(glob.lowercased().utf8)[...])
    }

    /// A known_hosts host field against a name, as OpenSSH's `match_hostname`:
    /// only the patterns are lowercased (ssh lowercases host names itself, a
    /// HostKeyAlias is used as written), and a list with a sub-pattern of
    /// 1023 bytes or more matches nothing.
    package static func matchHostname(_ name: String, commaList: String) -> ListMatch {
        let nameBytes = Array(name.utf8)[...]
        var matched = false
        for raw in commaList.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let negated = raw.first == UInt8(ascii: "!")
            let glob = negated ? raw.dropFirst() : raw[...]
            guard glob.count < 1023 else { return .none }
            let lowered = ArraySlice(glob.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
            if matches(nameBytes, lowered) {
                if negated { return .negated }
                matched = true
            }
        }
        return matched ? .matched : .none
    }

    private static func matches(_ name: ArraySlice<UInt8>, _ glob: ArraySlice<UInt8>) -> Bool {
        var name = name
        var glob = glob
        // Iterative match with backtracking to the last `*`.
        var starGlob: ArraySlice<UInt8>?
        var starName: ArraySlice<UInt8>?
        while true {
            if let g = glob.first {
                if g == UInt8(ascii: "*") {
                    glob = glob.dropFirst()
                    starGlob = glob
                    starName = name
                    continue
                }
                if let n = name.first, g == UInt8(ascii: "?") || g == n {
                    name = name.dropFirst()
                    glob = glob.dropFirst()
                    continue
                }
            } else if name.isEmpty {
                return true
            }
            // Mismatch: let the last `*` swallow one more character.
            guard let resumeGlob = starGlob, let resumeName = starName, !resumeName.isEmpty else { return false }
            let next = resumeName.dropFirst()
            starName = next
            name = next
            glob = resumeGlob
        }
    }

    /// The outcome of a pattern list against a name (OpenSSH `match_pattern_list`).
    package enum ListMatch: Equatable, Sendable { case matched, negated, none }

    /// A list of patterns, separated by commas (known_hosts) or given as
    /// separate words (ssh_config `Host`).
    package static func match(_ name: String, patterns: [Substring]) -> ListMatch {
        var matched = false
        for raw in patterns where !raw.isEmpty {
            let negated = raw.hasPrefix("!")
            let glob = negated ? String(raw.dropFirst()) : String(raw)
            if matches(name, glob: glob) {
                if negated { return .negated }
                matched = true
            }
        }
        return matched ? .matched : .none
    }

    /// A comma-separated list, as known_hosts writes host patterns.
    package static func match(_ name: String, commaList: String) -> ListMatch {
        match(name, patterns: commaList.split(separator: ",", omittingEmptySubsequences: true))
    }
}
