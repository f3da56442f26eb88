import Foundation
import LassoCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--events-from PATH|-`: feed events as JSON lines (formats in docs/feed.md).
///
/// A file is followed like `tail -f`: read to the end, then checked for growth every `pollIntervalMs`; if it
/// shrinks (truncated) or is replaced (rotated: another inode at the path) it is read again from the start.
/// `-` reads standard input until end of file. Reading happens on a dedicated thread, never on a cooperative one.
public struct JSONLinesSource: Sendable {
    public enum Input: Sendable, Equatable {
        case file(String)
        case standardInput
        /// An already open descriptor read until end of file (a pipe; used for stdin and by tests).
        case descriptor(Int32)
    }

    public enum Item: Sendable, Equatable {
        case event(FeedEvent)
        /// A line that is not a feed event; the text says which line and why (never the line itself, which may be
        /// anything).
        case malformed(String)
        /// What was written so far has been read: end of a pipe (or a pipe quiet for a second), the current end of a
        /// followed file.
        /// `snapshot` waits for this so piped events are all in the one round it prints.
        case caughtUp
    }

    public struct OpenError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public let input: Input
    public let pollIntervalMs: Int
    /// Longer lines are reported malformed and skipped, so one runaway line cannot exhaust memory.
    public let maxLineBytes: Int

    public init(input: Input, pollIntervalMs: Int = 250, maxLineBytes: Int = 1 << 20) {
        self.input = input
        self.pollIntervalMs = max(1, pollIntervalMs)
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// `-` is standard input; anything else a file path that must be readable now (so a typo fails at start-up).
    public static func open(argument: String, pollIntervalMs: Int = 250) throws(OpenError) -> JSONLinesSource {
        if argument == "-" { return JSONLinesSource(input: .standardInput, pollIntervalMs: pollIntervalMs) }
        let fd = openForReading(argument)
        guard fd >= 0 else {
            throw OpenError(description: "cannot open \(argument): \(String(cString: strerror(errno)))")
        }
        close(fd)
        return JSONLinesSource(input: .file(argument), pollIntervalMs: pollIntervalMs)
    }

    /// Starts reading. The stream ends at end of input (stdin, descriptor) or when the consumer stops iterating.
    public func items() -> AsyncStream<Item> {
        let (stream, continuation) = AsyncStream<Item>.makeStream()
        let stop = StopFlag()
        continuation.onTermination = { _ in stop.set() }
        let reader = LineReader(source: self, continuation: continuation, stop: stop)
        let thread = Thread { reader.run() }
        thread.name = "lassotop-events-from"
        thread.start()
        return stream
    }
}

/// File scope, so `open` is the C call and not `JSONLinesSource.open(argument:)`.
private func openForReading(_ path: String) -> Int32 {
    open(path, O_RDONLY)
}

private final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}

/// Runs on its own thread; all its state is confined to that thread.
private final class LineReader: @unchecked Sendable {
    let source: JSONLinesSource
    let continuation: AsyncStream<JSONLinesSource.Item>.Continuation
    let stop: StopFlag
    private var pending: [UInt8] = []
    private var discardingLongLine = false
    private var lineNumber = 0
    /// Set when bytes were read since the last `.caughtUp`, so an idle input does not repeat it every poll.
    private var readSinceCaughtUp = true

    init(source: JSONLinesSource, continuation: AsyncStream<JSONLinesSource.Item>.Continuation, stop: StopFlag) {
        self.source = source
        self.continuation = continuation
        self.stop = stop
    }

    func run() {
        switch source.input {
        case .file(let path): followFile(path)
        case .standardInput: readToEnd(STDIN_FILENO)
        case .descriptor(let fd): readToEnd(fd)
        }
        continuation.finish()
    }

    private func readToEnd(_ fd: Int32) {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var lastData = ContinuousClock.now
        if isatty(fd) == 1 { markCaughtUp() }   // typed by hand: nothing is waiting to be read
        while !stop.isSet {
            // Wait with a timeout so a consumer that goes away is noticed even while the pipe is quiet.
            var waiter = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&waiter, 1, Int32(source.pollIntervalMs))
            if ready < 0 && errno != EINTR { break }
            if ready <= 0 {
                // A producer that keeps the pipe open but has been quiet for a second has written what it had.
                if ContinuousClock.now - lastData >= .seconds(1) { markCaughtUp() }
                continue
            }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                break
            }
            if count == 0 { break }
            readSinceCaughtUp = true
            lastData = ContinuousClock.now
            consume(chunk[0..<count])
        }
        // A last line without a newline still counts at end of input.
        if !pending.isEmpty && !discardingLongLine { emitLine(pending[...]) }
        pending.removeAll()
        readSinceCaughtUp = true
        markCaughtUp()
    }

    private func markCaughtUp() {
        guard readSinceCaughtUp else { return }
        readSinceCaughtUp = false
        continuation.yield(.caughtUp)
    }

    private func followFile(_ path: String) {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var fd: Int32 = -1
        var offset: off_t = 0
        defer { if fd >= 0 { close(fd) } }
        while !stop.isSet {
            if fd < 0 {
                fd = openForReading(path)
                offset = 0
                resetLines()
                if fd < 0 {
                    markCaughtUp()   // nothing at the path yet: nothing to wait for
                    sleepPollInterval()
                    continue
                }
            }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                offset += off_t(count)
                readSinceCaughtUp = true
                consume(chunk[0..<count])
                continue
            }
            if count < 0 && errno == EINTR { continue }
            markCaughtUp()
            // At the end (or a read error): wait, then look for truncation or replacement.
            sleepPollInterval()
            var opened = stat()
            var atPath = stat()
            let openedOK = fstat(fd, &opened) == 0
            let pathOK = stat(path, &atPath) == 0
            if !openedOK || (pathOK && (atPath.st_ino != opened.st_ino || atPath.st_dev != opened.st_dev)) {
                close(fd)   // rotated or gone: reopen the path from the start
                fd = -1
            } else if opened.st_size < offset {
                lseek(fd, 0, SEEK_SET)   // truncated in place
                offset = 0
                resetLines()
            }
        }
    }

    private func sleepPollInterval() {
        Thread.sleep(forTimeInterval: Double(source.pollIntervalMs) / 1000)
    }

    private func resetLines() {
        pending.removeAll()
        discardingLongLine = false
        lineNumber = 0
    }

    private func consume(_ bytes: ArraySlice<UInt8>) {
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let piece = bytes[start..<newline]
            if discardingLongLine {
                discardingLongLine = false
                lineNumber += 1
                continuation.yield(.malformed("line \(lineNumber): longer than \(source.maxLineBytes) bytes"))
            } else if pending.isEmpty {
                if piece.count > source.maxLineBytes {
                    lineNumber += 1
                    continuation.yield(.malformed("line \(lineNumber): longer than \(source.maxLineBytes) bytes"))
                } else {
                    emitLine(piece)
                }
            } else {
                pending.append(contentsOf: piece)
                if pending.count > source.maxLineBytes {
                    lineNumber += 1
                    continuation.yield(.malformed("line \(lineNumber): longer than \(source.maxLineBytes) bytes"))
                } else {
                    emitLine(pending[...])
                }
                pending.removeAll(keepingCapacity: true)
            }
            start = bytes.index(after: newline)
        }
        guard start < bytes.endIndex, !discardingLongLine else { return }
        pending.append(contentsOf: bytes[start...])
        if pending.count > source.maxLineBytes {
            pending.removeAll()
            discardingLongLine = true
        }
    }

    private func emitLine(_ bytes: ArraySlice<UInt8>) {
        lineNumber += 1
        let text = String(decoding: bytes, as: UTF8.self)
        let nowMs = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        switch JSONLinesParser.parse(line: text, nowMs: nowMs) {
        case .success(let event)?: continuation.yield(.event(event))
        case .failure(let error)?: continuation.yield(.malformed("line \(lineNumber): \(error)"))
        case nil: break
        }
    }
}
