// swift-tools-version: 6.1
import PackageDescription

// Layers, top to bottom (dependencies point down only):
//   snc (executable: commands, argument parsing, exit codes)
//   SNCNetcat, SNCLab, SNCForward (features; never import each other)
//   SNCSocket, SNCSSH (thin wrappers over Glibc and libssh2)
//   CLinux (GNU-only Linux calls), CLibSSH2 (system library)
let package = Package(
    name: "snc",
    products: [
        .executable(name: "snc", targets: ["snc"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        .executableTarget(
            name: "snc",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "SNCSocket",
                "SNCNetcat",
            ]
        ),
        .target(
            name: "SNCNetcat",
            dependencies: ["SNCSocket", .product(name: "SystemPackage", package: "swift-system")]
        ),
        .target(
            name: "SNCSocket",
            dependencies: ["CLinux", .product(name: "SystemPackage", package: "swift-system")]
        ),
        .target(name: "CLinux"),
        .testTarget(name: "SNCSocketTests", dependencies: ["SNCSocket"]),
        .testTarget(name: "SNCNetcatTests", dependencies: ["SNCNetcat", "SNCSocket"]),
    ],
    swiftLanguageModes: [.v6]
)
