import CLibSSH2
import SNCSocket
import Glibc

extension SSHSession {
    /// Wraps `libssh2_userauth_list`: the methods the server will accept
    /// next ("publickey,password"), or nil if the "none" method already
    /// logged us in.
    package func authenticationMethods(user: String) throws(SSHError) -> IOResult<[String]?> {
        let bytes = Array(user.utf8)
        let list = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { libssh2_userauth_list(handle, $0.baseAddress, UInt32($0.count)) }
        }
        if let list {
            // The server's text: split on the byte ',' (a ',' followed by a
            // combining mark is one Swift Character).
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(list).assumingMemoryBound(to: UInt8.self), count: strlen(list))
            return .done(bytes.split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) })
        }
        if libssh2_userauth_authenticated(handle) != 0 { return .done(nil) }
        let code = libssh2_session_last_errno(handle)
        if code == LIBSSH2_ERROR_EAGAIN { return .wouldBlock }
        throw lastError(call: "libssh2_userauth_list", code: code)
    }

    /// Wraps `libssh2_userauth_authenticated`.
    package var isAuthenticated: Bool { libssh2_userauth_authenticated(handle) != 0 }

    /// Wraps `libssh2_userauth_publickey_fromfile_ex`. `publicKeyPath` may be
    /// nil: libssh2 then derives the public key from the private one.
    package func authenticate(
        user: String, privateKeyPath: String, publicKeyPath: String?, passphrase: String?
    ) throws(SSHError) -> IOResult<Void> {
        let bytes = Array(user.utf8)
        let code = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                libssh2_userauth_publickey_fromfile_ex(handle, $0.baseAddress, UInt32($0.count), publicKeyPath, privateKeyPath, passphrase)
            }
        }
        return try check(code, "libssh2_userauth_publickey_fromfile_ex")
    }

    /// Asks whether the server would accept `publicKeyBlob` for `user`,
    /// without proving possession of the private key: libssh2 sends the key
    /// unsigned and calls the sign callback only on SSH_MSG_USERAUTH_PK_OK;
    /// snc's callback records that and declines to sign. OpenSSH asks for a
    /// passphrase only for keys that pass this test, and so does snc.
    package func serverAccepts(user: String, publicKeyBlob: [UInt8]) throws(SSHError) -> IOResult<Bool> {
        context.publicKeyAccepted = false
        var abstract: UnsafeMutableRawPointer? = Unmanaged.passUnretained(context).toOpaque()
        let code = publicKeyBlob.withUnsafeBufferPointer { blob in
            libssh2_userauth_publickey(handle, user, blob.baseAddress, blob.count, SSHCallbacks.probeSign, &abstract)
        }
        if code == LIBSSH2_ERROR_EAGAIN { return .wouldBlock }
        if context.publicKeyAccepted { return .done(true) }
        if code == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED || code == LIBSSH2_ERROR_AUTHENTICATION_FAILED
            || code == LIBSSH2_ERROR_PUBLICKEY_UNRECOGNIZED {
            return .done(false)
        }
        if code == 0 { return .done(true) }
        throw lastError(call: "libssh2_userauth_publickey", code: code)
    }

    /// Wraps `libssh2_userauth_password_ex`.
    package func authenticate(user: String, password: String) throws(SSHError) -> IOResult<Void> {
        let userBytes = Array(user.utf8)
        let passwordBytes = Array(password.utf8)
        let code = userBytes.withUnsafeBufferPointer { userBuffer in
            passwordBytes.withUnsafeBufferPointer { passwordBuffer in
                userBuffer.withMemoryRebound(to: CChar.self) { userChars in
                    passwordBuffer.withMemoryRebound(to: CChar.self) { passwordChars in
                        libssh2_userauth_password_ex(
                            handle, userChars.baseAddress, UInt32(userChars.count),
                            passwordChars.baseAddress, UInt32(passwordChars.count), nil)
                    }
                }
            }
        }
        return try check(code, "libssh2_userauth_password_ex")
    }

    /// Wraps `libssh2_userauth_keyboard_interactive_ex`; `respond` answers each
    /// round of prompts (nil = give up, which fails the method).
    package func authenticateKeyboardInteractive(
        user: String, respond: @escaping (KeyboardInteractiveChallenge) -> [String]?
    ) throws(SSHError) -> IOResult<Void> {
        context.keyboardInteractive = respond
        defer { context.keyboardInteractive = nil }
        let bytes = Array(user.utf8)
        let code = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                libssh2_userauth_keyboard_interactive_ex(handle, $0.baseAddress, UInt32($0.count), SSHCallbacks.keyboardInteractive)
            }
        }
        return try check(code, "libssh2_userauth_keyboard_interactive_ex")
    }
}
