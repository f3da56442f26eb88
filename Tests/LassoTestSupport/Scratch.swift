import Foundation
import Synchronization

/// Scratch paths (config and state homes, logs, stty dumps) a test process made under the temp directory, removed
/// when it exits: each `make test` left several hundred behind. At exit, not at tear-down, so a failing test's
/// files are still there while XCTest reports it.
public enum Scratch {
    private static let paths = Mutex<[String]>([])
    private static let hook: Void = { atexit { Scratch.removeAll() } }()

    /// `path` (file or directory, made now or later) is removed at exit.
    public static func removeAtExit(_ path: String) {
        _ = hook
        paths.withLock { $0.append(path) }
    }

    static func removeAll() {
        for path in paths.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
