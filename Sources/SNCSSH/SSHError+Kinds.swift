import CLibSSH2

/// The libssh2 error codes snc's features tell apart, as Swift names, and
/// the errors snc makes itself around libssh2 calls; so that no module above
/// SNCSSH needs libssh2's `LIBSSH2_ERROR_*` constants.
extension SSHError {
    /// An `SSHError.code` by meaning (the libssh2 constant it stands for).
    package enum Code: Sendable {
        /// LIBSSH2_ERROR_TIMEOUT
        case timeout
        /// LIBSSH2_ERROR_SOCKET_NONE
        case socketNone
        /// LIBSSH2_ERROR_HOSTKEY_INIT
        case hostKeyInit
        /// LIBSSH2_ERROR_FILE
        case file
        /// LIBSSH2_ERROR_KEYFILE_AUTH_FAILED
        case keyFileAuthenticationFailed
        /// LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED
        case publicKeyUnverified

        package var rawValue: Int32 {
            switch self {
            case .timeout: LIBSSH2_ERROR_TIMEOUT
            case .socketNone: LIBSSH2_ERROR_SOCKET_NONE
            case .hostKeyInit: LIBSSH2_ERROR_HOSTKEY_INIT
            case .file: LIBSSH2_ERROR_FILE
            case .keyFileAuthenticationFailed: LIBSSH2_ERROR_KEYFILE_AUTH_FAILED
            case .publicKeyUnverified: LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED
            }
        }
    }

    package init(call: String, code: Code, message: String) {
        self.init(call: call, code: code.rawValue, message: message)
    }

    /// Whether this error carries `code`.
    package func `is`(_ code: Code) -> Bool { self.code == code.rawValue }

    /// A wait for the socket that ran past its deadline.
    package static func timedOut(call: String) -> SSHError {
        SSHError(call: call, code: .timeout, message: "timed out")
    }

    /// Waiting for the socket itself failed (`message`: the system's words).
    package static func socketFailure(call: String, message: String) -> SSHError {
        SSHError(call: call, code: .socketNone, message: message)
    }

    /// The server offered no host key after the handshake.
    package static let noHostKey = SSHError(call: "libssh2_session_hostkey", code: .hostKeyInit, message: "no host key")

    /// The connection or the handshake timed out (LIBSSH2_ERROR_TIMEOUT).
    package var isTimeout: Bool { `is`(.timeout) }

    /// A key file could not be read or used (LIBSSH2_ERROR_FILE,
    /// LIBSSH2_ERROR_KEYFILE_AUTH_FAILED): a wrong passphrase or an
    /// unreadable or unsupported key, as opposed to a refusal by the server.
    package var isKeyFileProblem: Bool { `is`(.file) || `is`(.keyFileAuthenticationFailed) }
}
