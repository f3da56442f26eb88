import Foundation
import LassoClient
import LassoCore
import Synchronization
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects a source's items into a feed buffer, as the monitor does.
private final class FeedCollector: Sendable {
    private let state = Mutex<(feed: FeedBuffer, malformed: [String], finished: Bool)>((FeedBuffer(), [], false))
    private let task = Mutex<Task<Void, Never>?>(nil)

    func start(_ stream: AsyncStream<JSONLinesSource.Item>, nowMs: Int64) {
        let run = Task { [self] in
            for await item in stream {
                state.withLock { state in
                    switch item {
                    case .event(let event): _ = state.feed.ingest(event, nowMs: nowMs)
                    case .malformed(let why):
                        state.feed.recordMalformed()
                        state.malformed.append(why)
                    case .caughtUp: break
                    }
                }
            }
            state.withLock { $0.finished = true }
        }
        task.withLock { $0 = run }
    }

    func stop() { task.withLock { $0?.cancel() } }

    var stats: FeedStats { state.withLock { $0.feed.stats } }
    var events: [FeedEvent] { state.withLock { $0.feed.events } }
    var malformed: [String] { state.withLock { $0.malformed } }
    var finished: Bool { state.withLock { $0.finished } }

    /// Waits (bounded) until `condition` holds; returns whether it did.
    func wait(seconds: Double = 10, until condition: (FeedStats) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(stats) { return true }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return condition(stats)
    }
}

final class JSONLinesSourceTests: XCTestCase {
    private let now: Int64 = 1_764_000_000_000

    private func routing(_ id: String, ts: Int64, node: String, result: String = "success") -> String {
        #"{"kind":"routing","ts":\#(ts),"request_id":"\#(id)","source_node_id":"\#(node)","chain_id":1,"method":"eth_call","provider_id":"p","result":"\#(result)"}"#
    }

    private func logLine(_ id: String, ts: Int64) -> String {
        #"{"event":"rpc.request.completed","request_id":"\#(id)","chain":"ethereum","jsonrpc_method":"eth_getLogs","routing":{"selected_provider":{"id":"p","protocol":"http"}},"timing":{"end_to_end_latency_ms":12},"response":{"status":"success"},"ts":\#(ts)}"#
    }

    private func append(_ text: String, to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    private func temporaryFile() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lassotop-events-\(UUID().uuidString).jsonl")
        XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: nil))
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testTailsAFileWithGoodMalformedAndDuplicateLines() async throws {
        let url = try temporaryFile()
        try append([
            routing("a", ts: now, node: "iad-1"),
            routing("a", ts: now, node: "ams-1"),          // same decision relayed by another node
            "{not json",
            "",
            logLine("b", ts: now + 5),
            #"{"kind":"routing","ts":1}"#,                 // no method or provider
        ].joined(separator: "\n") + "\n", to: url)

        let source = try JSONLinesSource.open(argument: url.path, pollIntervalMs: 20)
        let collector = FeedCollector()
        collector.start(source.items(), nowMs: now)
        defer { collector.stop() }

        let firstRead = await collector.wait { $0.received == 3 && $0.malformed == 2 }
        XCTAssertTrue(firstRead, "stats: \(collector.stats)")
        XCTAssertEqual(collector.stats, FeedStats(received: 3, unique: 2, duplicatesDropped: 1, malformed: 2, sampledOut: 0, windowSize: 2))
        XCTAssertEqual(collector.malformed, ["line 3: not JSON", "line 6: missing method"])

        // Growth while tailing, including a line written in two pieces and an earlier event again.
        try append(routing("c", ts: now - 10, node: "iad-1") + "\n" + routing("a", ts: now, node: "fra-1") + "\n", to: url)
        try append(#"{"kind":"cluster","ts":\#(now + 1),"#, to: url)
        try await Task.sleep(nanoseconds: 100_000_000)
        XCTAssertEqual(collector.stats.received, 5, "half a line is not read as a line")
        try append(#""severity":"warning","message":"coverage 2/3 degraded"}"# + "\ngarbage\n", to: url)

        let grown = await collector.wait { $0.received == 6 && $0.malformed == 3 }
        XCTAssertTrue(grown, "stats: \(collector.stats)")
        XCTAssertEqual(collector.stats, FeedStats(received: 6, unique: 4, duplicatesDropped: 2, malformed: 3, sampledOut: 0, windowSize: 4))
        XCTAssertEqual(collector.events.map(\.ts), [now - 10, now, now + 1, now + 5], "late lines are placed by ts")
        XCTAssertEqual(collector.events.map(\.requestID), ["c", "a", nil, "b"])
    }

    func testTruncatedFileIsReadAgainFromTheStart() async throws {
        let url = try temporaryFile()
        try append(routing("one", ts: now, node: "iad-1") + "\n" + routing("two", ts: now + 1, node: "iad-1") + "\n", to: url)
        let source = JSONLinesSource(input: .file(url.path), pollIntervalMs: 20)
        let collector = FeedCollector()
        collector.start(source.items(), nowMs: now)
        defer { collector.stop() }
        let first = await collector.wait { $0.received == 2 }
        XCTAssertTrue(first, "stats: \(collector.stats)")

        // Truncate, then write a shorter file: the new content is read from offset 0.
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 0)
        try handle.close()
        try await Task.sleep(nanoseconds: 100_000_000)
        try append(routing("three", ts: now + 2, node: "iad-1") + "\n", to: url)
        let afterTruncation = await collector.wait { $0.received == 3 }
        XCTAssertTrue(afterTruncation, "stats: \(collector.stats)")
        XCTAssertEqual(collector.events.map(\.requestID), ["one", "two", "three"])
        XCTAssertEqual(collector.stats.malformed, 0)
    }

    func testMissingFileFailsAtStart() {
        XCTAssertThrowsError(try JSONLinesSource.open(argument: "/nonexistent/lassotop/events.jsonl"))
    }

    /// `-` reads a pipe until end of file; a last line without a newline still counts, and the stream finishes.
    func testPipeIsReadUntilEndOfFile() async throws {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        let (readEnd, writeEnd) = (ends[0], ends[1])
        defer { close(readEnd) }
        let collector = FeedCollector()
        collector.start(JSONLinesSource(input: .descriptor(readEnd), pollIntervalMs: 20).items(), nowMs: now)
        defer { collector.stop() }

        let text = [routing("x", ts: now, node: "a"), routing("x", ts: now, node: "b"), "   ", "oops",
                    routing("y", ts: now + 1, node: "a", result: "error")].joined(separator: "\n")
        let written = text.utf8.withContiguousStorageIfAvailable { write(writeEnd, $0.baseAddress, $0.count) }
        XCTAssertEqual(written, text.utf8.count)
        close(writeEnd)

        let done = await collector.wait { _ in collector.finished }
        XCTAssertTrue(done, "the stream ends at end of input")
        XCTAssertEqual(collector.stats, FeedStats(received: 3, unique: 2, duplicatesDropped: 1, malformed: 1, sampledOut: 0, windowSize: 2))
        XCTAssertEqual(collector.events.last?.result, "error")
    }

    func testOverlongLineIsMalformedAndReadingContinues() async throws {
        let url = try temporaryFile()
        let huge = #"{"kind":"cluster","ts":1,"message":""# + String(repeating: "x", count: 100_000) + #""}"#
        try append(huge + "\n" + routing("after", ts: now, node: "a") + "\n", to: url)
        let collector = FeedCollector()
        collector.start(JSONLinesSource(input: .file(url.path), pollIntervalMs: 20, maxLineBytes: 1_000).items(), nowMs: now)
        defer { collector.stop() }
        let read = await collector.wait { $0.received == 1 && $0.malformed == 1 }
        XCTAssertTrue(read, "stats: \(collector.stats)")
        XCTAssertEqual(collector.malformed, ["line 1: longer than 1000 bytes"])
        XCTAssertEqual(collector.events.map(\.requestID), ["after"])
    }
}
