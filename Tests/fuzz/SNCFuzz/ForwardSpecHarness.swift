import SNCForward

/// `-L [bind_address:]port:host:hostport` (either end may be a socket path), and with a newline in the input
/// config's `LocalForward listen target` (the two halves).
enum ForwardSpecHarness {
    static func run(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
        if let spec = try? ForwardSpec(argument: input.text) {
            touch(spec)
        }
        let (listen, target) = input.splitAtFirstNewline
        if let spec = try? ForwardSpec(localForward: String(decoding: listen, as: UTF8.self), String(decoding: target, as: UTF8.self)) {
            touch(spec)
        }
        return 0
    }

    static func touch(_ spec: ForwardSpec) {
        // Either end may be a Unix socket path instead of a port (or host:hostport).
        precondition(spec.listenPath != nil || spec.port > 0, "a parsed spec listens on a port or a path")
        precondition(spec.targetPath != nil || (spec.hostPort > 0 && !spec.host.isEmpty), "a parsed spec targets host:port or a path")
        _ = spec.description
        _ = spec.configDescription
        _ = spec.bindsAllInterfaces
    }
}
