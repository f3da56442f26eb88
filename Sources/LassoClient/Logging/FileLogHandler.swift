import Foundation
import LassoCore
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// swift-log handler appending to a file, never the screen (the TUI owns the terminal). When the file passes
/// `maxBytes` it is rotated to `<path>.1` (one generation kept), so logs stay bounded.
public struct FileLogHandler: LogHandler {
    final class Sink: Sendable {
        let path: String
        let maxBytes: Int
        let handle: Mutex<FileHandle?>

        init(path: String, maxBytes: Int) {
            self.path = path
            self.maxBytes = maxBytes
            self.handle = Mutex(Self.open(path))
        }

        /// Opens `path` for appending, private to this user: the directory is made (or fixed to) 0700 and the file
        /// 0600, and a symlink at either place is refused rather than followed (a planted link would make lassotop
        /// append to a file of the link's choosing). Returns nil when the log cannot be opened safely: lassotop
        /// then runs without a log, it never falls back to the terminal.
        static func open(_ path: String) -> FileHandle? {
            let directory = (path as NSString).deletingLastPathComponent
            guard privateDirectory(directory) else { return nil }
            let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return nil }
            var info = stat()
            guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == getuid() else {
                close(fd)
                return nil
            }
            if info.st_mode & 0o077 != 0 { fchmod(fd, 0o600) }
            return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        }

        /// Creates `directory` (and missing parents) 0700, or narrows an existing one of ours to 0700; false for a
        /// symlink or a directory of another user.
        static func privateDirectory(_ directory: String) -> Bool {
            var info = stat()
            if lstat(directory, &info) != 0 {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                         attributes: [.posixPermissions: 0o700])
                guard lstat(directory, &info) == 0 else { return false }
            }
            guard (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid() else { return false }
            if info.st_mode & 0o077 != 0 { chmod(directory, 0o700) }
            return true
        }

        func write(_ line: String) {
            handle.withLock { handle in
                guard let current = handle else { return }
                let size = (try? current.offset()) ?? 0
                if size > UInt64(maxBytes) {
                    try? current.close()
                    try? FileManager.default.removeItem(atPath: path + ".1")
                    try? FileManager.default.moveItem(atPath: path, toPath: path + ".1")
                    handle = Self.open(path)
                }
                try? handle?.write(contentsOf: Data(line.utf8))
            }
        }
    }

    let sink: Sink
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String

    public static func bootstrap(path: String, maxBytes: Int = 5 << 20, level: Logger.Level = .info) {
        let sink = Sink(path: path, maxBytes: maxBytes)
        LoggingSystem.bootstrap { label in
            var handler = FileLogHandler(sink: sink, label: label)
            handler.logLevel = level
            return handler
        }
    }

    init(sink: Sink, label: String) {
        self.sink = sink
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        sink.write("\(Self.stamp(secondsSinceEpoch: time(nil))) \(event.level) \(label): \(event.message)\n")
    }

    /// `2026-12-01T00:15:42Z`, as `ISO8601DateFormatter` writes it, without the formatter (`Units.isoUTC`).
    static func stamp(secondsSinceEpoch seconds: time_t) -> String {
        Units.isoUTC(secondsSinceEpoch: Int64(seconds))
    }
}
