import SNCSSH
import SNCSocket

/// Checks the server's host key against known_hosts with OpenSSH's rules and
/// wording, and records newly accepted keys.
package struct HostKeyVerifier: Sendable {
    package let configuration: HostConfiguration
    package let prompter: Prompter
    package let log: ForwardLog
    /// System-wide files, read but never written (ssh's GlobalKnownHostsFile).
    package var globalFiles = ["/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"]

    package init(configuration: HostConfiguration, prompter: Prompter, log: ForwardLog) {
        self.configuration = configuration
        self.prompter = prompter
        self.log = log
    }

    package func loadKnownHosts() -> KnownHosts {
        KnownHosts.load(files: configuration.knownHostsFiles + globalFiles)
    }

    /// The host key algorithms to offer, OpenSSH's way: the types already
    /// known for this host first (so a known server proves the key we have),
    /// then the rest of what libssh2 supports, strongest first.
    package func hostKeyPreference(knownHosts: KnownHosts, supported: [String]) -> String {
        let defaults = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"]
        let known = knownHosts.keyTypes(host: configuration.hostName, port: configuration.port)
        var order: [String] = []
        for name in known + defaults where supported.contains(name) && !order.contains(name) {
            order.append(name)
        }
        return order.joined(separator: ",")
    }

    /// Accepts the key, or prints ssh's explanation and throws.
    package func verify(_ key: SSHHostKey, knownHosts: KnownHosts, peerAddress: String) throws(ForwardError) {
        let name = KnownHosts.lookupName(host: configuration.hostName, port: configuration.port)
        let type = key.displayType
        switch knownHosts.verdict(host: configuration.hostName, port: configuration.port, key: key) {
        case .known(let entry):
            log.debug("Host '\(name)' is known and matches the \(type) host key.")
            log.debug("Found key in \(entry.file):\(entry.line)")
        case .revoked:
            log.banner([
                "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
                "@       WARNING: REVOKED HOST KEY DETECTED!               @",
                "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
                "The \(type) host key for \(name) is marked as revoked.",
                "This could mean that a stolen key is being used to",
                "impersonate this host.",
            ])
            throw .hostKeyVerificationFailed
        case .changed(let offending):
            let file = configuration.knownHostsFiles.first ?? offending[0].file
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
                "Add correct host key in \(file) to get rid of this message.",
            ]
            for entry in offending {
                lines.append("Offending \(KnownHostsEntry.displayType(of: entry.keyType)) key in \(entry.file):\(entry.line)")
            }
            lines += [
                "  remove with:",
                "  ssh-keygen -f \"\(offending[0].file)\" -R \"\(name)\"",
            ]
            if configuration.strictHostKeyChecking == .no {
                lines.append("Host key for \(name) has changed; snc does not forward ports over a connection that may be intercepted (ssh disables port forwarding here too).")
            } else {
                lines.append("Host key for \(name) has changed and you have requested strict checking.")
            }
            log.banner(lines)
            throw .hostKeyVerificationFailed
        case .unknown(let otherTypes):
            try decideUnknown(key, name: name, peerAddress: peerAddress, otherTypes: otherTypes, knownHosts: knownHosts)
        }
    }

    private func decideUnknown(
        _ key: SSHHostKey, name: String, peerAddress: String, otherTypes: [String], knownHosts: KnownHosts
    ) throws(ForwardError) {
        let type = key.displayType
        switch configuration.strictHostKeyChecking {
        case .yes:
            log.banner(["No \(type) host key is known for \(name) and you have requested strict checking."])
            throw .hostKeyVerificationFailed
        case .acceptNew, .no:
            record(key, name: name)
        case .ask:
            var text = "The authenticity of host '\(name) (\(peerAddress))' can't be established.\n"
            text += "\(type) key fingerprint is \(key.fingerprint).\n"
            if !otherTypes.isEmpty {
                text += "but keys of different type are already known for this host.\n"
            } else {
                let others = knownHosts.otherNames(for: key).filter { !$0.hosts.hasPrefix("|") }
                if others.isEmpty {
                    text += "This key is not known by any other names.\n"
                } else {
                    text += "This host key is known by the following other names/addresses:\n"
                    text += others.prefix(8).map { "    \($0.file):\($0.line): \($0.hosts)\n" }.joined()
                }
            }
            text += "Are you sure you want to continue connecting (yes/no/[fingerprint])? "
            var prompt = text
            for _ in 0..<8 {
                guard let answer = prompter.question(prompt) else { throw .hostKeyVerificationFailed }
                let word = answer.trimmingSpaces.lowercased()
                if word == "yes" || answer.trimmingSpaces == key.fingerprint {
                    record(key, name: name)
                    return
                }
                if word == "no" { throw .hostKeyVerificationFailed }
                prompt = "Please type 'yes', 'no' or the fingerprint: "
            }
            throw .hostKeyVerificationFailed
        }
    }

    private func record(_ key: SSHHostKey, name: String) {
        guard let file = configuration.knownHostsFiles.first else { return }
        let line = KnownHosts.line(host: configuration.hostName, port: configuration.port, key: key, hashed: configuration.hashKnownHosts)
        do {
            try KnownHosts.append(line, to: file)
            log.banner(["Warning: Permanently added '\(name)' (\(key.displayType)) to the list of known hosts."])
        } catch {
            log.banner(["Failed to add the host to the list of known hosts (\(file)): \(error.errno.description)."])
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
