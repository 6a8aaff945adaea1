import SNCSSH
import SNCSocket

/// Checks the server's host key against known_hosts with OpenSSH 9.2's
/// rules and wording (`check_host_key` in sshconnect.c, case for case), and
/// records newly accepted keys as ssh records them.
package struct HostKeyVerifier: Sendable {
    package let configuration: HostConfiguration
    package let prompter: Prompter
    package let log: ForwardLog

    package init(configuration: HostConfiguration, prompter: Prompter, log: ForwardLog) {
        self.configuration = configuration
        self.prompter = prompter
        self.log = log
    }

    /// User files first, then the read-only system files, as ssh loads them.
    package func loadKnownHosts() -> KnownHosts {
        KnownHosts.load(files: configuration.knownHostsFiles + configuration.globalKnownHostsFiles)
    }

    /// The name known_hosts knows this server by: HostKeyAlias, else
    /// "host" on port 22 and "[host]:port" elsewhere.
    package var hostfileName: String {
        configuration.hostKeyAlias ?? KnownHosts.lookupName(host: configuration.hostName, port: configuration.port)
    }

    /// OpenSSH 9.2's default HostKeyAlgorithms for plain keys (ssh -Q / ssh_config(5)).
    static let defaultAlgorithms = [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com", "rsa-sha2-512", "rsa-sha2-256",
    ]

    /// The host key algorithms to offer, as OpenSSH's `order_hostkeyalgs`:
    /// the whole default list when the first one's key type is known for
    /// this host, else the algorithms whose key type is known first, both in
    /// default order. What the server then presents decides "changed"
    /// versus "known", so this order must be ssh's.
    package func hostKeyPreference(knownHosts: KnownHosts, supported: [String]) -> String {
        let known = knownHosts.keyTypes(named: hostfileName)
        let offered = Self.defaultAlgorithms.filter { supported.contains($0) }
        let isKnown = { (algorithm: String) in known.contains(HostKeyBlob.keyType(named: algorithm)) }
        if let best = Self.defaultAlgorithms.first, isKnown(best) { return offered.joined(separator: ",") }
        return (offered.filter(isKnown) + offered.filter { !isKnown($0) }).joined(separator: ",")
    }

    /// Accepts the key (trusted, or untrusted where StrictHostKeyChecking=no
    /// lets ssh go on with a changed or revoked key), or prints ssh's
    /// explanation and throws.
    package func verify(_ key: SSHHostKey, knownHosts: KnownHosts, peerAddress: String) throws(ForwardError) -> HostKeyTrust {
        if configuration.checkHostIP {
            log.debug("CheckHostIP is not implemented by snc: only the host name's key is checked")
        }
        let check = HostKeyCheck(verifier: self, key: key, knownHosts: knownHosts, peerAddress: peerAddress)
        guard let trust = check.run(hostname: configuration.hostName, port: configuration.port, access: .readWrite, clobberPort: false) else {
            throw .hostKeyVerificationFailed
        }
        return trust
    }

    /// Appends the key under `name` to the first user file, as ssh's `add_host_to_hostfile`.
    func record(_ key: SSHHostKey, name: String) {
        guard let file = configuration.knownHostsFiles.first else { return }
        let line = KnownHosts.line(name: name, key: key, hashed: configuration.hashKnownHosts)
        do {
            try KnownHosts.append(line, to: file, userDirectory: configuration.home + "/.ssh")
            log.banner(["Warning: Permanently added '\(name)' (\(key.displayType)) to the list of known hosts."])
        } catch {
            log.banner(["Failed to add the host to the list of known hosts (\(file))."])
        }
    }
}

/// Whether a connection may carry secrets: ssh's `continue_unsafe` (a
/// changed or revoked key under StrictHostKeyChecking=no) goes on with
/// password and keyboard-interactive logins and all forwarding disabled.
package enum HostKeyTrust: Sendable, Equatable {
    case trusted
    case untrusted
}

/// One run of OpenSSH's `check_host_key`, which calls itself once more for
/// the host without its port.
private struct HostKeyCheck {
    let verifier: HostKeyVerifier
    let key: SSHHostKey
    let knownHosts: KnownHosts
    let peerAddress: String

    /// RDRW, RDONLY and ROQUIET in sshconnect.c.
    enum Access { case readWrite, readOnly, quiet }

    private var configuration: HostConfiguration { verifier.configuration }
    private var log: ForwardLog { verifier.log }

    /// nil: refused (ssh's `goto fail`).
    func run(hostname: String, port: UInt16, access: Access, clobberPort: Bool) -> HostKeyTrust? {
        var access = access
        // ssh never writes a name with these characters to a known_hosts file.
        if hostname.utf8.contains(where: { Array("@?*#[]|'\"\\".utf8).contains($0) }) { access = .readOnly }
        let name = configuration.hostKeyAlias ?? KnownHosts.lookupName(host: hostname, port: clobberPort ? 0 : port)
        let type = key.displayType
        let status = knownHosts.status(of: key, named: name)
        // No user known_hosts file (UserKnownHostsFile=none): nothing may be written.
        if access == .readWrite && configuration.knownHostsFiles.isEmpty { access = .readOnly }

        switch status {
        case .ok(let entry):
            log.debug("Host '\(name)' is known and matches the \(type) host key.")
            log.debug("Found key in \(entry.file):\(entry.line)")
            return .trusted
        case .new:
            if configuration.hostKeyAlias == nil && port != 0 && port != 22 && !clobberPort {
                log.debug("checking without port identifier")
                if let trust = run(hostname: hostname, port: 0, access: .quiet, clobberPort: true) {
                    log.debug("found matching key w/out port")
                    return trust
                }
            }
            guard access == .readWrite else { return nil }
            switch configuration.strictHostKeyChecking {
            case .yes:
                log.banner(["No \(type) host key is known for \(name) and you have requested strict checking."])
                return nil
            case .ask:
                guard confirm(name: name) else { return nil }
            case .acceptNew, .no:
                break
            }
            verifier.record(key, name: name)
            return .trusted
        case .revoked:
            log.banner([
                "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
                "@       WARNING: REVOKED HOST KEY DETECTED!               @",
                "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
                "The \(type) host key for \(name) is marked as revoked.",
                "This could mean that a stolen key is being used to",
                "impersonate this host.",
            ])
            guard configuration.strictHostKeyChecking == .no else {
                log.banner(["\(type) host key for \(name) was revoked and you have requested strict checking."])
                return nil
            }
            return continueUnsafe()
        case .changed(let offending):
            if access == .quiet { return nil }
            var lines = [
                "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
                "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
                "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
                "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!",
                "Someone could be eavesdropping on you right now (man-in-the-middle attack)!",
                "It is also possible that a host key has just been changed.",
                "The fingerprint for the \(type) key sent by the remote host is",
                "\(key.fingerprint).",
                "Please contact your system administrator.",
            ]
            if let file = configuration.knownHostsFiles.first ?? configuration.globalKnownHostsFiles.first {
                lines.append("Add correct host key in \(file) to get rid of this message.")
            }
            lines += [
                "Offending \(KnownHostsEntry.displayType(of: offending.keyType)) key in \(offending.file):\(offending.line)",
                "  remove with:",
                "  ssh-keygen -f \"\(offending.file)\" -R \"\(name)\"",
            ]
            log.banner(lines)
            guard configuration.strictHostKeyChecking == .no else {
                log.banner(["Host key for \(name) has changed and you have requested strict checking."])
                return nil
            }
            return continueUnsafe()
        }
    }

    /// StrictHostKeyChecking=no with a changed or revoked key: ssh goes on,
    /// but with what a man in the middle could abuse switched off.
    private func continueUnsafe() -> HostKeyTrust {
        log.banner([
            "Password authentication is disabled to avoid man-in-the-middle attacks.",
            "Keyboard-interactive authentication is disabled to avoid man-in-the-middle attacks.",
        ])
        return .untrusted
    }

    /// StrictHostKeyChecking=ask: ssh's prompt and `confirm` (BatchMode and
    /// no terminal or askpass: no).
    private func confirm(name: String) -> Bool {
        var text = "The authenticity of host '\(name) (\(peerAddress))' can't be established.\n"
        text += "\(key.displayType) key fingerprint is \(key.fingerprint).\n"
        let others = knownHosts.otherNames(for: key, excluding: [name, peerAddress])
        if others.isEmpty {
            text += "This key is not known by any other names.\n"
        } else {
            text += "This host key is known by the following other names/addresses:\n"
            for entry in others.prefix(8) {
                text += "    \(entry.file):\(entry.line): \(entry.isHashed ? "[hashed name]" : entry.hosts)\n"
            }
            if others.count > 8 { text += "    (\(others.count - 8) additional names omitted)\n" }
        }
        text += "Are you sure you want to continue connecting (yes/no/[fingerprint])? "
        var prompt = text
        // Bounded: ssh asks until it gets an answer; snc gives up after 8 tries.
        for _ in 0..<8 {
            guard let answer = prompter.question(prompt) else { return false }
            let word = Self.firstWord(answer)
            if word.isEmpty || word.lowercased() == "no" { return false }
            if word.lowercased() == "yes" || word == key.fingerprint { return true }
            prompt = "Please type 'yes', 'no' or the fingerprint: "
        }
        return false
    }

    private var prompter: Prompter { verifier.prompter }

    /// The answer without leading blanks and from its first blank on, as ssh's `confirm` reads it.
    private static func firstWord(_ answer: String) -> String {
        let bytes = Array(answer.utf8).drop { $0 == 0x20 || $0 == 0x09 }
        return String(decoding: bytes.prefix { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A }, as: UTF8.self)
    }
}
