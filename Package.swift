// swift-tools-version: 6.0
import PackageDescription

// Architecture (see README "Code map"):
//   LassoCore   pure: wire models, aggregation, coverage, rates, feed dedup, alerts, sanitizing. No I/O, no clock.
//   LassoClient effects: HTTP polling of nodes, metrics cache, discovery, snapshot/check assembly.
//   LassoDemo   simulated Lasso nodes as real Hummingbird servers on 127.0.0.1.
//   LassoTUI    pure view (state -> cell grid), tables, keymap, reducer, themes, export. Cannot import curses.
//   LassoTerminal the ncursesw backend (screen, painter, frame byte counter) and the run loop + effect interpreter.
let package = Package(
    name: "lassotop",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lassotop", targets: ["lassotop"]),
        .executable(name: "lassotop-bench", targets: ["lassotop-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // Already in the graph through async-http-client; named so the client can set timeouts and TLS roots.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Already in the graph through Hummingbird; named to stop servers by graceful shutdown (docs/reliability.md).
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .target(
            name: "LassoCore",
            dependencies: [.product(name: "Collections", package: "swift-collections")]
        ),
        .target(
            name: "LassoClient",
            dependencies: [
                "LassoCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .target(
            name: "LassoDemo",
            dependencies: [
                "LassoCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .systemLibrary(
            name: "CNCurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        .target(
            name: "LassoTUI",
            dependencies: [
                "LassoCore",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .target(name: "LassoTerminal", dependencies: ["LassoTUI", "LassoCore", "CNCurses"]),
        // Hub mode: `lassotop serve` (HTTP API, Prometheus exposition) and the client viewers use to read it.
        .target(
            name: "LassoHub",
            dependencies: [
                "LassoCore", "LassoClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Recordings: append-only compressed file of snapshots, seek index, replay (docs/replay.md).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLzma", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),
        .target(name: "LassoRecord", dependencies: ["LassoCore", "LassoClient", "CZlib", "CLzma"]),
        .executableTarget(
            name: "lassotop",
            dependencies: [
                "LassoCore", "LassoClient", "LassoDemo", "LassoTUI", "LassoTerminal", "LassoHub", "LassoRecord",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Benchmark workloads live in a library so a unit test can run each body once on tiny inputs.
        .target(
            name: "LassoBenchmarks",
            dependencies: ["LassoCore", "LassoClient", "LassoDemo", "LassoTUI", "LassoTerminal", "LassoHub", "LassoRecord"]
        ),
        .executableTarget(
            name: "lassotop-bench",
            dependencies: [
                "LassoBenchmarks", "LassoCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets: waiting on conditions with deadlines, demo fixtures, a lock box.
        .target(name: "LassoTestSupport", dependencies: ["LassoCore", "LassoClient", "LassoDemo"], path: "Tests/LassoTestSupport"),
        .testTarget(name: "LassoCoreTests", dependencies: ["LassoCore"]),
        .testTarget(name: "LassoClientTests", dependencies: ["LassoClient", "LassoDemo", "LassoCore", "LassoTestSupport"]),
        .testTarget(name: "LassoDemoTests", dependencies: ["LassoDemo", "LassoCore", "LassoClient", "LassoTestSupport"]),
        .testTarget(name: "LassoTUITests", dependencies: ["LassoTUI", "LassoTerminal", "LassoCore"]),
        // Hub mode over real HTTP, with a real Prometheus and promtool (`make deps` installs them).
        .testTarget(name: "LassoHubTests", dependencies: ["LassoHub", "LassoClient", "LassoCore", "LassoDemo", "LassoBenchmarks", "LassoTestSupport"]),
        .testTarget(name: "LassoRecordTests", dependencies: ["LassoRecord", "LassoClient", "LassoCore", "LassoDemo"]),
        .testTarget(name: "LassoBenchmarksTests", dependencies: ["LassoBenchmarks", "LassoCore", "LassoTUI", "LassoTerminal"]),
        // Bad input, faults over time, terminal injection, security (docs/reliability.md).
        .testTarget(name: "LassoReliabilityTests", dependencies: ["LassoClient", "LassoCore", "LassoDemo", "LassoTUI", "LassoTestSupport"]),
        // Drives the real binary in tmux against the demo cluster (needs `swift build` first; `make test` does it).
        .testTarget(name: "LassotopE2ETests", dependencies: ["LassoDemo", "LassoCore", "LassoClient", "LassoTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
