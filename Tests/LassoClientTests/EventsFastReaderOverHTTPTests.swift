import Foundation
import LassoCore
import LassoDemo
import XCTest
@testable import LassoClient
import LassoTestSupport

/// The byte-level events reader on real `/api/events` pages from the demo cluster over HTTP: it answers for every
/// one (so `EventsPage.decode` is not quietly always falling back to `JSONDecoder`), with the decoder's result and
/// with what the monitor's per-entry reading (`LenientEventsPage`) keeps, and mutated copies of those pages decode
/// the same both ways (the shape-aware fuzz is in Tests/LassoCoreTests/EventsFastReaderTests.swift).
final class EventsFastReaderOverHTTPTests: XCTestCase {
    var cluster: DemoCluster!
    var http: NodeHTTPClient!

    override func setUp() async throws {
        cluster = DemoCluster(config: DemoConfig(nodeCount: 3, seed: 13, eventRate: 2_000, lateChainStart: .zero))
        try await cluster.start()
        http = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(2)))
    }

    override func tearDown() async throws {
        await http?.shutdown()
        await cluster?.stop()
    }

    /// The monitor's per-entry reading through `JSONDecoder` alone (`LenientEventsPage.decode` takes the fast reader
    /// first).
    static func lenientFoundation(_ data: Data) throws -> LenientEventsPage {
        try LassoJSON.decode(LenientEventsPage.self, from: data, endpoint: "/api/events")
    }

    func body(_ url: String) async -> Data? {
        guard case .ok(let body, _) = await http.get(url) else { return nil }
        return body
    }

    /// Pages from every node: a page of up to 100 from the start, and a short one after a cursor, once each has events of
    /// both routing and circuit kinds (or at least twenty routing ones).
    func realPages() async throws -> [(String, Data)] {
        var out: [(String, Data)] = []
        for node in cluster.nodes {
            var cursor: Int64 = 0
            let full = node.url + "/api/events?since=0&limit=100"
            var latest: Data?
            try await eventually(10, "no events in \(full)") {
                guard let data = await self.body(full), let page = try? EventsPage.foundationDecode(data),
                      page.events.count >= 20 else { return false }
                latest = data
                cursor = page.next
                return true
            }
            out.append((full, try XCTUnwrap(latest)))
            let after = node.url + "/api/events?since=\(max(0, cursor - 20))&limit=20"
            let short = await body(after)
            out.append((after, try XCTUnwrap(short, after)))
        }
        return out
    }

    func testRealPagesTakeTheFastPathWithFoundationsResult() async throws {
        var events = 0
        for (url, data) in try await realPages() {
            let reference = try EventsPage.foundationDecode(data)
            let fast = try XCTUnwrap(EventsPage.fastDecode(data), "the reader gave up on \(url)")
            XCTAssertEqual(fast, reference, url)
            XCTAssertEqual("\(fast)", "\(reference)", url)
            XCTAssertEqual(try EventsPage.decode(data), reference, url)
            // The monitor's per-entry reading keeps every one of them, with the same values.
            let lenient = try Self.lenientFoundation(data)
            XCTAssertEqual(try LenientEventsPage.decode(data).entries.compactMap(\.event), fast.events, url)
            XCTAssertEqual(lenient.entries.compactMap(\.event), fast.events, url)
            XCTAssertEqual(lenient.entries.count, fast.events.count, url)
            XCTAssertEqual(lenient.nodeID, fast.nodeID, url)
            XCTAssertEqual(lenient.next, fast.next, url)
            events += fast.events.count
        }
        XCTAssertGreaterThan(events, 60)
    }

    static let tokens: [String] = ["null", "-0", "1e3", "1.5", "1200.0", "9223372036854775808", "999999999999999999",
                                   "\"7\"", "\"circuit\"", "\"cluster\"", "\"warning\"", "\"\\u00e9\"", "\u{E9}", " \n\t",
                                   ",", "}", "]", "\"", "\\", "[]", "{}", "true"]

    func testMutatedRealPagesDecodeTheSameBothWays() async throws {
        let perPage = Int(ProcessInfo.processInfo.environment["LASSOTOP_FUZZ_ITERATIONS"] ?? "") ?? 800
        var rng = SeededGenerator(seed: 0xE7E7_B0D1)
        var answered = 0, gaveUp = 0, failures: [String] = []
        for (url, data) in try await realPages() {
            let seed = Array(data)
            for _ in 0..<perPage {
                var bytes = seed
                for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                    case 1: bytes = Array(bytes.prefix(at))
                    case 2: bytes.insert(contentsOf: Array(Self.tokens.randomElement(using: &rng)!.utf8), at: at)
                    default:   // a value replaced: a number or a string
                        if let start = bytes[at...].firstIndex(where: { (0x30...0x39).contains($0) || $0 == UInt8(ascii: "\"") }) {
                            var end = start + 1
                            if bytes[start] == UInt8(ascii: "\"") {
                                while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
                                end = min(end + 1, bytes.count)
                            } else {
                                while end < bytes.count, (0x30...0x39).contains(bytes[end]) || bytes[end] == UInt8(ascii: ".") { end += 1 }
                            }
                            bytes.replaceSubrange(start..<end, with: Array(Self.tokens.randomElement(using: &rng)!.utf8))
                        }
                    }
                }
                let mutated = Data(bytes)
                let reference = Result { () throws(LassoDecodeError) in try EventsPage.foundationDecode(mutated) }
                if let fast = EventsPage.fastDecode(mutated) {
                    answered += 1
                    let lenient = try? Self.lenientFoundation(mutated)
                    if case .success(let expected) = reference, fast == expected, "\(fast)" == "\(expected)",
                       let lenient, lenient.entries.compactMap(\.event) == fast.events,
                       lenient.entries.count == fast.events.count, lenient.next == fast.next { continue }
                    if failures.count < 3 { failures.append("\(url): fast \(fast) vs \(reference)") }
                } else {
                    gaveUp += 1
                }
                // What the monitor keeps: the same page, entries and dropped entries as `JSONDecoder` alone.
                let kept = (try? LenientEventsPage.decode(mutated)).map { "\($0.nodeID as Any) \($0.next) \($0.entries.map(\.event))" }
                let keptReference = (try? Self.lenientFoundation(mutated)).map { "\($0.nodeID as Any) \($0.next) \($0.entries.map(\.event))" }
                if kept != keptReference, failures.count < 3 { failures.append("\(url): lenient \(kept ?? "-") vs \(keptReference ?? "-")") }
                let combined = Result { () throws(LassoDecodeError) in try EventsPage.decode(mutated) }
                switch (combined, reference) {
                case (.success(let a), .success(let b)) where a == b: break
                case (.failure(let a), .failure(let b)) where a == b: break
                default: if failures.count < 3 { failures.append("\(url): decode \(combined) vs \(reference)") }
                }
            }
        }
        print("events reader fuzz over real pages: fast reader answered \(answered), gave up on \(gaveUp)")
        XCTAssertEqual(failures, [])
        XCTAssertGreaterThan(answered, 0)
        XCTAssertGreaterThan(gaveUp, 0)
    }
}
