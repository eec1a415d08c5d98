// swift-tools-version: 6.1
import PackageDescription

/// Upcoming features every target builds with: explicit `any` and imports that say what a file uses.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "wheelwright",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wheelwright", targets: ["wheelwright"]),
        .executable(name: "wheelwright-bench", targets: ["wheelwright-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // PEP 440 versions and specifiers, PEP 503 names, PEP 425/427 tags and wheel filenames,
        // sdist filenames, core metadata and the manylinux policy: pure, no I/O.
        .target(name: "PythonPackaging", swiftSettings: strictSettings),

        // The whitelist and target-definition YAML schemas: decoding with file:line:column
        // diagnostics and the lint rules. Pure: callers hand in the bytes.
        .target(
            name: "Whitelist",
            dependencies: ["PythonPackaging", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),

        // The command tree: reads files, calls the libraries, prints. No rules of its own.
        .target(
            name: "WheelwrightCLI",
            dependencies: [
                "PythonPackaging",
                "Whitelist",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // The thin executable: hands control to WheelwrightCLI.
        .executableTarget(
            name: "wheelwright",
            dependencies: [
                "WheelwrightCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // Timed workloads for bench/: parse and sort versions read from a file.
        .executableTarget(
            name: "wheelwright-bench",
            dependencies: ["PythonPackaging"],
            swiftSettings: strictSettings
        ),

        .testTarget(
            name: "PythonPackagingTests",
            dependencies: [
                "PythonPackaging",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "WhitelistTests",
            dependencies: [
                "Whitelist",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
