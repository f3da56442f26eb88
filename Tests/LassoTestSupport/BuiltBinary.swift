import Foundation

/// The `lassotop` executable `swift build` made, for tests that run the real binary (LASSOTOP_BIN overrides).
public enum BuiltBinary {
    /// The package root: this file sits in Tests/LassoTestSupport/.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static var lassotop: String {
        if let path = ProcessInfo.processInfo.environment["LASSOTOP_BIN"] { return path }
        for candidate in [".build/debug/lassotop", ".build/x86_64-unknown-linux-gnu/debug/lassotop",
                          ".build/aarch64-unknown-linux-gnu/debug/lassotop"] {
            let path = repositoryRoot.appendingPathComponent(candidate).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/lassotop").path
    }

    /// `lassotop-bench`, built beside `lassotop`.
    public static var lassotopBench: String {
        URL(fileURLWithPath: lassotop).deletingLastPathComponent().appendingPathComponent("lassotop-bench").path
    }
}
