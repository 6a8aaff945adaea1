import CFuzzerDriver

/// The parsers snc reads outside text with, one harness each.
enum FuzzTarget: String, CaseIterable {
    case knownHosts = "known-hosts"
    case sshConfig = "ssh-config"
    case forwardSpec = "forward-spec"
    case netcatArguments = "netcat-arguments"
    case addresses
    case socksServer = "socks-server"
    case proxyReplies = "proxy-replies"

    /// The LLVMFuzzerTestOneInput function for this target: 0 to keep the
    /// input, -1 to tell libFuzzer not to add it to the corpus.
    var callback: snc_fuzz_callback {
        switch self {
        case .knownHosts: { data, size in KnownHostsHarness.run(UnsafeBufferPointer(start: data, count: size)) }
        case .sshConfig: { data, size in SSHConfigHarness.run(UnsafeBufferPointer(start: data, count: size)) }
        case .forwardSpec: { data, size in ForwardSpecHarness.run(UnsafeBufferPointer(start: data, count: size)) }
        case .netcatArguments: { data, size in NetcatArgumentsHarness.run(UnsafeBufferPointer(start: data, count: size)) }
        case .addresses: { data, size in AddressesHarness.run(UnsafeBufferPointer(start: data, count: size)) }
        case .socksServer: { data, size in SOCKSServerHarness.run(UnsafeBufferPointer(start: data, count: size)) }
        case .proxyReplies: { data, size in ProxyRepliesHarness.run(UnsafeBufferPointer(start: data, count: size)) }
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The bytes before the first newline and the bytes after it (all of them
    /// and nothing when there is none): harnesses that take a name and a file.
    var splitAtFirstNewline: (head: Slice<Self>, rest: Slice<Self>) {
        guard let newline = firstIndex(of: 0x0A) else { return (self[...], self[endIndex...]) }
        return (self[..<newline], self[(newline + 1)...])
    }

    var text: String { String(decoding: self, as: UTF8.self) }
}
