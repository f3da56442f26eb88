import Foundation
import Logging
import Synchronization

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

        static func open(_ path: String) -> FileHandle? {
            let directory = (path as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
            if !FileManager.default.fileExists(atPath: path) {
                FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            let handle = FileHandle(forWritingAtPath: path)
            _ = try? handle?.seekToEnd()
            return handle
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
        let stamp = ISO8601DateFormatter().string(from: Date())
        sink.write("\(stamp) \(event.level) \(label): \(event.message)\n")
    }
}
