import SNCForward
import SNCSocket
import Glibc

/// ssh_config: the first line is the destination given on the command line,
/// the rest is the file given with `-F`, resolved as `snc forward -G` does.
enum SSHConfigHarness {
    /// The file the input is written to (the parser reads a path), removed after each input.
    static let configPath: String = {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        return "\(base)/snc-fuzz-config-\(getpid())"
    }()

    static func run(_ input: UnsafeBufferPointer<UInt8>) -> CInt {
        let (head, rest) = input.splitAtFirstNewline
        // Include reads other files of this machine (glob patterns, devices):
        // that fuzzes the file system, not the parser.
        if contains(rest, caseInsensitive: "include") { return -1 }
        do {
            try FileContents.write(path: configPath, bytes: Array(rest))
        } catch {
            fatalError("snc-fuzz: cannot write \(configPath): \(error)")
        }
        defer { unlink(configPath) }
        var commandLine = HostConfiguration.CommandLine(destination: String(decoding: head, as: UTF8.self))
        commandLine.configFile = configPath
        guard let configuration = try? HostConfiguration.resolve(commandLine) else { return 0 }
        _ = configuration.dump
        _ = configuration.identityPaths
        for forward in configuration.localForwards {
            _ = forward.description
        }
        return 0
    }

    static func contains(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, caseInsensitive word: String) -> Bool {
        let pattern = Array(word.utf8)
        guard bytes.count >= pattern.count else { return false }
        var start = bytes.startIndex
        while start <= bytes.endIndex - pattern.count {
            // ASCII letters only: 0x20 folds upper case onto lower case.
            if pattern.indices.allSatisfy({ bytes[start + $0] | 0x20 == pattern[$0] }) { return true }
            start += 1
        }
        return false
    }
}
