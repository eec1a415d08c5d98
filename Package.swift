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
        .executable(name: "wheelwright-fuzz", targets: ["wheelwright-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // FilePath, which swift-subprocess takes (already in its graph).
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // PEP 440 versions and specifiers, PEP 503 names, PEP 425/427 tags and wheel filenames,
        // sdist filenames, core metadata and the manylinux policy: pure, no I/O.
        .target(name: "PythonPackaging", swiftSettings: strictSettings),

        // What every layer needs and no layer owns: hex digests, durations in seconds, file locks.
        .target(name: "Basics", swiftSettings: strictSettings),

        // YAML a person writes, read with file:line:column diagnostics: the loader (UTF-8, size,
        // alias and depth limits), typed reading of nodes, "did you mean" suggestions. Pure.
        .target(
            name: "YAMLFiles",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),

        // The site's own files besides whitelists: each target OS (`containers/NAME/target.yaml`)
        // and the build settings (`wheelwright.yaml`). Pure: callers hand in the bytes.
        .target(
            name: "SiteConfiguration",
            dependencies: ["PythonPackaging", "YAMLFiles", "IndexAPI", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),

        // The whitelist schema, its lint rules and the decisions of `whitelist add` (choose a
        // version, edit the file keeping its bytes, re-lint). Pure: callers hand in the bytes.
        .target(
            name: "Whitelist",
            dependencies: ["PythonPackaging", "YAMLFiles", "SiteConfiguration", "IndexAPI", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),

        // The file-system edge of the site's formats: whitelist files and target definitions
        // read (`ProjectFiles`), the config file found (flag, environment, working folder) and
        // read with its paths resolved (`ConfigFile`), the default folders.
        .target(
            name: "Workspace",
            dependencies: ["SiteConfiguration", "YAMLFiles"],
            swiftSettings: strictSettings
        ),

        // The wire contract between the index and its clients: Codable documents (provenance, …)
        // and their schema checks. Pure: no I/O.
        .target(name: "IndexAPI", swiftSettings: strictSettings),

        // libarchive, the C library every sdist and wheel goes through (Debian's libarchive-dev).
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        // The one Linux call Swift's Glibc module hides (sync_file_range): a group commit starts
        // every blob's writeback before it waits on any.
        .target(name: "CFileSync"),

        // Reading sdists and wheels through libarchive, with limits against hostile archives.
        .target(name: "Archives", dependencies: ["CArchive"], swiftSettings: strictSettings),

        // The non-volatile store: users, tokens, indices, files in a catalog on SQLite (GRDB) or
        // PostgreSQL (postgres-nio), and a content-addressed blob folder with atomic writes. No HTTP.
        .target(
            name: "IndexStore",
            dependencies: [
                "Basics",
                "PythonPackaging",
                "Archives",
                "CFileSync",
                "IndexAPI",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),

        // Talks to upstream indices (PEP 691 JSON, PEP 503 HTML): resolves sdists, downloads them
        // through a hash check into a content-addressed cache, fills wheelhouses of build
        // requirements (with pip). Knows nothing of the whitelist.
        .target(
            name: "Upstream",
            dependencies: [
                .product(name: "SystemPackage", package: "swift-system"),
                "Basics",
                "PythonPackaging",
                "Archives",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),

        // Where builds run: the Runner contract, its confinements (bubblewrap or unshare + chroot
        // into a target's root filesystem, a container engine, a host venv), control groups
        // for limits, and the preparation of root filesystems and images. Knows nothing of the index.
        .target(
            name: "Runners",
            dependencies: [
                .product(name: "SystemPackage", package: "swift-system"),
                "Basics",
                "PythonPackaging",
                "SiteConfiguration",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),

        // Every call a client makes to an index, typed by IndexAPI: management, +files, run
        // reports, uploads (multipart by multipart-kit), over AsyncHTTPClient.
        .target(
            name: "IndexClient",
            dependencies: [
                "Basics",
                "IndexAPI",
                "PythonPackaging",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),

        // The nightly run: read the files, plan, lock, create indices, fetch, build per target,
        // tag (ELF audit, retag), publish, report. It talks to the index through `IndexPublisher`,
        // which HTTPPublisher implements with IndexClient.
        .target(
            name: "Builder",
            dependencies: [
                "YAMLFiles",
                "SiteConfiguration",
                "Basics",
                "PythonPackaging",
                "Whitelist",
                "Archives",
                "IndexAPI",
                "IndexClient",
                "Runners",
                "Upstream",
                "Workspace",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),

        // cmark-gfm, GitHub's CommonMark and GFM extensions in C (Debian's libcmark-gfm-dev and
        // libcmark-gfm-extensions-dev), for release descriptions.
        .systemLibrary(name: "CMarkGFM", pkgConfig: "libcmark-gfm", providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),

        // A release's description as HTML for its pages: Markdown through cmark-gfm, then an
        // allowlist sanitizer; anything else escaped. The server runs it in a child process.
        .target(
            name: "Descriptions",
            dependencies: ["CMarkGFM"],
            swiftSettings: strictSettings
        ),

        // The HTTP face of the store: the simple API, uploads, management, health and metrics;
        // mirrors of an upstream (through Upstream), gated by the whitelist (Whitelist's rules).
        .target(
            name: "IndexServer",
            dependencies: [
                .product(name: "SystemPackage", package: "swift-system"),
                "Basics",
                "Descriptions",
                "IndexStore",
                "IndexAPI",
                "PythonPackaging",
                "Upstream",
                "Whitelist",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSettings
        ),

        // The command tree: reads files, calls the libraries, prints. No rules of its own.
        .target(
            name: "WheelwrightCLI",
            dependencies: [
                "YAMLFiles",
                "SiteConfiguration",
                "Basics",
                "PythonPackaging",
                "Whitelist",
                "IndexServer",
                "IndexStore",
                "IndexAPI",
                "IndexClient",
                "Upstream",
                "Runners",
                "Builder",
                "Descriptions",
                "Workspace",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // The thin executable: hands control to WheelwrightCLI.
        .executableTarget(
            name: "wheelwright",
            dependencies: ["WheelwrightCLI"],
            swiftSettings: strictSettings
        ),

        // Timed workloads and fixtures for bench/: version sorting, seeding a large index, the
        // upload parser against multipart-kit's.
        .executableTarget(
            name: "wheelwright-bench",
            dependencies: [
                "Basics",
                "PythonPackaging",
                "IndexAPI",
                "IndexStore",
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),

        // The parsers of client and upstream input as libFuzzer targets (make fuzz); built
        // without libFuzzer, it replays the committed corpus (Fuzz/corpus) instead.
        .executableTarget(
            name: "wheelwright-fuzz",
            dependencies: ["PythonPackaging", "IndexAPI", "Descriptions"],
            swiftSettings: strictSettings
        ),

        // What every test suite shares: the repository's paths, temporary folders, running tools.
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "SystemPackage", package: "swift-system"),
                "IndexStore",
                "IndexServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PythonPackagingTests",
            dependencies: [
                "Basics",
                "PythonPackaging",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IndexServerTests",
            dependencies: [
                "IndexAPI",
                "IndexClient",
                "IndexStore",
                "IndexServer",
                "PythonPackaging",
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DescriptionsTests",
            dependencies: ["Descriptions"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ArchivesTests",
            dependencies: ["Archives", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "UpstreamTests",
            dependencies: [
                "Upstream",
                "PythonPackaging",
                "TestSupport",
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "WheelwrightCLITests",
            dependencies: [
                "WheelwrightCLI",
                "Builder",
                "IndexAPI",
                "IndexClient",
                "Runners",
                "SiteConfiguration",
                "TestSupport",
                "Workspace",
                "YAMLFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "YAMLFilesTests",
            dependencies: ["YAMLFiles", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SiteConfigurationTests",
            dependencies: ["SiteConfiguration", "YAMLFiles", "PythonPackaging", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BasicsTests",
            dependencies: ["Basics"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IndexClientTests",
            dependencies: [
                "IndexClient",
                "IndexAPI",
                "PythonPackaging",
                "TestSupport",
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IndexAPITests",
            dependencies: ["IndexAPI", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IndexStoreTests",
            dependencies: ["IndexStore", "IndexAPI", "TestSupport"],
            // An SQLite catalog of schema v6, which SchemaUpgradeTests opens by its path.
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RunnersTests",
            dependencies: [
                "PythonPackaging",
                "YAMLFiles",
                "SiteConfiguration",
                "Runners",
                "TestSupport",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BuilderTests",
            dependencies: [
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                "YAMLFiles",
                "Basics",
                "Upstream",
                "SiteConfiguration",
                "Builder",
                "IndexAPI",
                "PythonPackaging",
                "Runners",
                "TestSupport",
                "Whitelist",
                "Workspace",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "WorkspaceTests",
            dependencies: ["Workspace"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "WhitelistTests",
            dependencies: [
                "YAMLFiles",
                "SiteConfiguration",
                "Whitelist",
                "PythonPackaging",
                "TestSupport",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
