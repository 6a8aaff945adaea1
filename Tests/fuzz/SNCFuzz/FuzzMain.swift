import CFuzzerDriver
import SNCSocket
import Glibc

/// `snc-fuzz TARGET [libFuzzer flags] [corpus dirs]`: one binary for every
/// parser harness, so the fuzz build links the sanitized modules once.
///
/// Built with `-sanitize=fuzzer` (scripts/fuzz.sh) it runs libFuzzer on the
/// chosen harness. Built plainly, as `swift build` does, it replays the files
/// and directories given instead: a crasher can be re-run without libFuzzer.
@main
enum FuzzMain {
    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            printError("usage: snc-fuzz \(names) [libFuzzer flags] [corpus directories or files]")
            exit(64)
        }
        // libFuzzer reads its flags from argv; the target name is ours, not its.
        var driverArguments: [UnsafeMutablePointer<CChar>?] = ([arguments[0]] + arguments.dropFirst(2)).map { strdup($0) }
        var count = CInt(driverArguments.count)
        driverArguments.append(nil)
        let status = driverArguments.withUnsafeMutableBufferPointer { buffer in
            var vector = buffer.baseAddress
            return snc_fuzz_run_driver(&count, &vector, target.callback)
        }
        if status != -1 { exit(status) }
        exit(replay(target, paths: Array(arguments.dropFirst(2))))
    }

    /// Runs every file named (or found in a directory named) through the harness.
    static func replay(_ target: FuzzTarget, paths: [String]) -> CInt {
        var replayed = 0
        for path in paths where !path.hasPrefix("-") {
            for file in files(at: path) {
                guard let bytes = try? FileContents.read(path: file, limit: 1 << 20) else {
                    printError("snc-fuzz: cannot read \(file)")
                    return 1
                }
                _ = bytes.withUnsafeBufferPointer { target.callback($0.baseAddress, $0.count) }
                replayed += 1
            }
        }
        print("snc-fuzz \(target.rawValue): replayed \(replayed) inputs without libFuzzer")
        return 0
    }

    static func printError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// The path itself, or the regular files directly inside it when it is a directory.
    static func files(at path: String) -> [String] {
        guard let directory = opendir(path) else { return [path] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if entry.pointee.d_type == UInt8(DT_REG) { names.append(path + "/" + name) }
        }
        return names.sorted()
    }
}
