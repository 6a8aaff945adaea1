// swift-tools-version: 6.1
import PackageDescription

// Layers, top to bottom (dependencies point down only):
//   snc (executable: commands, argument parsing, exit codes)
//   SNCNetcat, SNCLab, SNCForward (features; never import each other)
//   SNCSocket, SNCSSH, SNCTLS (thin wrappers over Glibc, libssh2 and OpenSSL)
//   CLinux (GNU-only Linux calls), CLibSSH2, COpenSSL (system libraries)
let package = Package(
    name: "snc",
    products: [
        .executable(name: "snc", targets: ["snc"]),
        // The parser fuzz harnesses (scripts/fuzz.sh builds them with -sanitize=fuzzer).
        .executable(name: "snc-fuzz", targets: ["SNCFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .executableTarget(
            name: "snc",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "SNCSocket",
                "SNCNetcat",
                "SNCLab",
                "SNCForward",
                // TLSArguments parses --ssl-fingerprint into SNCTLS's type.
                "SNCTLS",
            ]
        ),
        .target(
            name: "SNCNetcat",
            dependencies: [
                "SNCSocket",
                "SNCTLS",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "SNCSocket",
            dependencies: ["CLinux", .product(name: "SystemPackage", package: "swift-system")]
        ),
        .target(name: "CLinux"),
        .target(
            name: "SNCLab",
            dependencies: [
                "SNCSocket",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "SNCForward",
            dependencies: ["SNCSSH", "SNCSocket", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "SNCSSH", dependencies: ["CLibSSH2", "SNCSocket"]),
        .systemLibrary(name: "CLibSSH2", pkgConfig: "libssh2", providers: [.apt(["libssh2-1-dev"])]),
        .target(name: "SNCTLS", dependencies: ["COpenSSL"]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .testTarget(name: "SNCTLSTests", dependencies: ["SNCTLS"]),
        .testTarget(name: "SNCForwardTests", dependencies: ["SNCForward", "SNCSSH"]),
        .testTarget(name: "SNCSocketTests", dependencies: ["SNCSocket"]),
        .testTarget(
            name: "SNCLabTests",
            dependencies: ["SNCLab", "SNCSocket", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "SNCNetcatTests", dependencies: ["SNCNetcat", "SNCSocket"]),
        .executableTarget(
            name: "SNCFuzz",
            dependencies: ["CFuzzerDriver", "SNCForward", "SNCSSH", "SNCNetcat", "SNCLab", "SNCSocket"],
            path: "Tests/fuzz/SNCFuzz"
        ),
        .target(name: "CFuzzerDriver", path: "Tests/fuzz/CFuzzerDriver"),
    ],
    swiftLanguageModes: [.v6]
)
