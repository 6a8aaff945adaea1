import SNCSSH
import SNCSocket
import Glibc

/// Logs a session in, in OpenSSH's order: ssh-agent keys, then identity
/// files (asking for passphrases of encrypted keys the server would accept),
/// then keyboard-interactive, then password.
package struct Authenticator {
    package let configuration: HostConfiguration
    package let prompter: Prompter
    package let log: ForwardLog
    private var user: String { configuration.user }
    private var rsaRefused: [String] = []
    /// Off when the host key is not trusted (ssh's continue_unsafe): a man
    /// in the middle must not be handed a password.
    package var allowsPasswordMethods = true

    package init(configuration: HostConfiguration, prompter: Prompter, log: ForwardLog) {
        self.configuration = configuration
        self.prompter = prompter
        self.log = log
    }

    /// Authenticates `session`, or throws `.permissionDenied` with an RSA
    /// explanation printed first when an RSA key was refused.
    package mutating func authenticate(_ session: SSHSession) throws(ForwardError) -> Credential {
        let deadline: Deadline? = nil
        let methods: [String]
        do {
            guard let list = try SessionDriver.run(session, deadline: deadline, { () throws(SSHError) in try session.authenticationMethods(user: user) }) else {
                log.debug("Authenticated to \(configuration.hostName) with method none.")
                return .none
            }
            methods = list
        } catch {
            throw failure(error)
        }
        log.debug("Authentications that can continue: \(methods.joined(separator: ","))")

        if methods.contains("publickey") {
            if let credential = try tryAgent(session) { return credential }
            if let credential = try tryIdentityFiles(session) { return credential }
        }
        if methods.contains("keyboard-interactive"), !configuration.batchMode, allowsPasswordMethods {
            if let credential = try tryKeyboardInteractive(session) { return credential }
        }
        if methods.contains("password"), !configuration.batchMode, allowsPasswordMethods {
            if let credential = try tryPassword(session) { return credential }
        }
        explainRSARefusal(session)
        throw .permissionDenied(user: user, host: configuration.hostName, methods: methods)
    }

    /// Logs another session in with what worked for the first one.
    package mutating func authenticate(_ session: SSHSession, reusing credential: Credential) throws(ForwardError) {
        do {
            switch credential {
            case .none:
                _ = try SessionDriver.run(session, deadline: nil) { () throws(SSHError) in try session.authenticationMethods(user: user) }
            case .agent(let blob):
                let agent = try SSHAgent(session: session)
                try agent.connect()
                guard let identity = try agent.identities().first(where: { $0.blob == blob }) else {
                    throw ForwardError.permissionDenied(user: user, host: configuration.hostName, methods: ["publickey"])
                }
                try SessionDriver.run(session, deadline: nil) { () throws(SSHError) in try agent.authenticate(user: user, identity: identity) }
            case .identityFile(let path, let publicKeyPath, let passphrase):
                try SessionDriver.run(session, deadline: nil) { () throws(SSHError) in
                    try session.authenticate(user: user, privateKeyPath: path, publicKeyPath: publicKeyPath, passphrase: passphrase)
                }
            case .password(let password):
                try SessionDriver.run(session, deadline: nil) { () throws(SSHError) in try session.authenticate(user: user, password: password) }
            case .keyboardInteractive(let answers):
                var rounds = answers[...]
                try SessionDriver.run(session, deadline: nil) { () throws(SSHError) in
                    try session.authenticateKeyboardInteractive(user: user) { _ in rounds.popFirst() }
                }
            }
        } catch let error as ForwardError {
            throw error
        } catch let error as SSHError {
            throw failure(error)
        } catch {
            throw .permissionDenied(user: user, host: configuration.hostName, methods: [])
        }
    }

    // MARK: Methods

    private mutating func tryAgent(_ session: SSHSession) throws(ForwardError) -> Credential? {
        if let agentSetting = configuration.identityAgent, agentSetting.lowercased() == "none" { return nil }
        guard getenv("SSH_AUTH_SOCK") != nil || configuration.identityAgent != nil else { return nil }
        let agent: SSHAgent
        let identities: [SSHAgent.Identity]
        do {
            agent = try SSHAgent(session: session)
            try agent.connect()
            identities = try agent.identities()
        } catch {
            log.debug("ssh-agent not usable: \(error.message)")
            return nil
        }
        // IdentitiesOnly: only agent keys that match a configured identity file.
        let allowed: [[UInt8]]? = configuration.identitiesOnly
            ? configuration.identityPaths.compactMap { IdentityFile(path: $0)?.publicKeyBlob } : nil
        for identity in identities {
            if let allowed, !allowed.contains(identity.blob) { continue }
            log.debug("Offering public key: \(identity.comment) \(identity.algorithm) agent")
            do {
                try SessionDriver.run(session, deadline: nil) { () throws(SSHError) in try agent.authenticate(user: user, identity: identity) }
                log.debug("Authenticated to \(configuration.hostName) using \"publickey\" (agent key \(identity.comment)).")
                return .agent(publicKeyBlob: identity.blob)
            } catch {
                if error.isDisconnect { throw failure(error) }
                noteRefusal(algorithm: identity.algorithm, name: "agent key \(identity.comment)", error: error)
            }
        }
        return nil
    }

    private mutating func tryIdentityFiles(_ session: SSHSession) throws(ForwardError) -> Credential? {
        for path in configuration.identityPaths {
            guard let key = IdentityFile(path: path) else {
                if configuration.identityFilesConfigured {
                    log.banner(["Warning: Identity file \(path) not accessible: \(String(cString: strerror(errno)))."])
                }
                continue
            }
            log.debug("Trying private key: \(path)")
            if key.encrypted {
                if let blob = key.publicKeyBlob {
                    // Ask for the passphrase only if the server would take this key.
                    let accepted: Bool
                    do {
                        accepted = try SessionDriver.run(session, deadline: nil) { () throws(SSHError) in
                            try session.serverAccepts(user: user, publicKeyBlob: blob)
                        }
                    } catch {
                        if error.isDisconnect { throw failure(error) }
                        accepted = false
                    }
                    if !accepted {
                        noteRefusal(algorithm: key.algorithm ?? "", name: path, error: nil)
                        continue
                    }
                }
                if configuration.batchMode { continue }
                if let credential = try tryEncrypted(session, key: key) { return credential }
                continue
            }
            do {
                try SessionDriver.run(session, deadline: nil) { () throws(SSHError) in
                    try session.authenticate(user: user, privateKeyPath: path, publicKeyPath: key.publicKeyPath, passphrase: nil)
                }
                log.debug("Authenticated to \(configuration.hostName) using \"publickey\" (\(path)).")
                return .identityFile(path: path, publicKeyPath: key.publicKeyPath, passphrase: nil)
            } catch {
                if error.isDisconnect { throw failure(error) }
                noteRefusal(algorithm: key.algorithm ?? "", name: path, error: error)
            }
        }
        return nil
    }

    /// NumberOfPasswordPrompts passphrase attempts (default 3), as ssh's
    /// load_identity_file; an empty answer skips the key, as in ssh.
    private mutating func tryEncrypted(_ session: SSHSession, key: IdentityFile) throws(ForwardError) -> Credential? {
        let tries = configuration.numberOfPasswordPrompts
        for attempt in 0..<tries {
            guard let passphrase = prompter.secret("Enter passphrase for key '\(key.path)': "), !passphrase.isEmpty else {
                log.debug("no passphrase given, try next key")
                return nil
            }
            do {
                try SessionDriver.run(session, deadline: nil) { () throws(SSHError) in
                    try session.authenticate(user: user, privateKeyPath: key.path, publicKeyPath: key.publicKeyPath, passphrase: passphrase)
                }
                log.debug("Authenticated to \(configuration.hostName) using \"publickey\" (\(key.path)).")
                return .identityFile(path: key.path, publicKeyPath: key.publicKeyPath, passphrase: passphrase)
            } catch {
                if error.isDisconnect { throw failure(error) }
                guard Self.isWrongPassphrase(error) else {
                    noteRefusal(algorithm: key.algorithm ?? "", name: key.path, error: error)
                    return nil
                }
                if attempt + 1 < tries {
                    log.banner(["Bad passphrase, try again for \(key.path)."])
                } else {
                    log.debug("Bad passphrase for \(key.path): no tries left (NumberOfPasswordPrompts \(tries)), try next key")
                }
            }
        }
        return nil
    }

    /// libssh2 decrypts the key only to sign, after the server said yes to
    /// it (snc probes first): a key it cannot decrypt comes back as its
    /// sign callback failing ("Callback returned error"), or, without a
    /// `.pub` beside it, as a key file it cannot read.
    private static func isWrongPassphrase(_ error: SSHError) -> Bool {
        error.is(.publicKeyUnverified) || error.isKeyFileProblem
    }

    private func tryKeyboardInteractive(_ session: SSHSession) throws(ForwardError) -> Credential? {
        let prompter = self.prompter
        let log = self.log
        for _ in 0..<configuration.numberOfPasswordPrompts {
            let box = AnswerLog()
            do {
                try SessionDriver.run(session, deadline: nil) { () throws(SSHError) in
                    try session.authenticateKeyboardInteractive(user: user) { challenge in
                        if !challenge.name.isEmpty { log.banner([challenge.name]) }
                        if !challenge.instruction.isEmpty { log.banner([challenge.instruction]) }
                        var answers: [String] = []
                        for prompt in challenge.prompts {
                            let answer = prompt.echo ? prompter.question(prompt.text) : prompter.secret(prompt.text, allowStdin: false)
                            guard let answer else { box.gaveUp = true; return nil }
                            answers.append(answer)
                        }
                        box.rounds.append(answers)
                        return answers
                    }
                }
                log.debug("Authenticated to \(configuration.hostName) using \"keyboard-interactive\".")
                return .keyboardInteractive(answers: box.rounds)
            } catch {
                if error.isDisconnect { throw failure(error) }
                if box.gaveUp { return nil }
                log.banner(["Permission denied, please try again."])
            }
        }
        return nil
    }

    private func tryPassword(_ session: SSHSession) throws(ForwardError) -> Credential? {
        for _ in 0..<configuration.numberOfPasswordPrompts {
            guard let password = prompter.secret("\(user)@\(configuration.hostName)'s password: ", allowStdin: false) else { return nil }
            do {
                try SessionDriver.run(session, deadline: nil) { () throws(SSHError) in try session.authenticate(user: user, password: password) }
                log.debug("Authenticated to \(configuration.hostName) using \"password\".")
                return .password(password)
            } catch {
                if error.isDisconnect { throw failure(error) }
                log.banner(["Permission denied, please try again."])
            }
        }
        return nil
    }

    // MARK: Reporting

    private mutating func noteRefusal(algorithm: String, name: String, error: SSHError?) {
        log.debug("Server refused key \(name)\(error.map { ": \($0.message)" } ?? "")")
        if algorithm == "ssh-rsa" { rsaRefused.append(name) }
    }

    /// libssh2 1.10 can sign with RSA only as "ssh-rsa" (SHA-1), which
    /// OpenSSH 8.8 and later refuse by default: say so instead of a bare denial.
    private func explainRSARefusal(_ session: SSHSession) {
        guard !rsaRefused.isEmpty else { return }
        let server = session.remoteBanner.map { " (server: \($0))" } ?? ""
        log.warn("RSA key \(rsaRefused.joined(separator: ", ")) refused\(server): libssh2 \(libssh2Version) signs RSA keys only with SHA-1 (ssh-rsa), which OpenSSH 8.8 and later refuse; use an Ed25519 key instead (ssh-keygen -t ed25519).")
    }

    private func failure(_ error: SSHError) -> ForwardError {
        if error.isDisconnect { return .connectionLost(host: configuration.hostName, reason: error.message) }
        return .ssh(error)
    }
}

/// Collects keyboard-interactive answers from inside libssh2's callback
/// (called synchronously on this thread), for reuse by extra sessions.
private final class AnswerLog {
    var rounds: [[String]] = []
    var gaveUp = false
}
