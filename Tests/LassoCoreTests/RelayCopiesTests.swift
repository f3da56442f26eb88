import Foundation
import XCTest
@testable import LassoCore

/// Relayed copies of an event are read once (Sources/LassoCore/Model/RelayCopies.swift): every page must read exactly
/// as it does without the kept copies, whatever came before it.
final class RelayCopiesTests: XCTestCase {

    /// The events of `EventsFastReaderTests.demoShapedPage`, as three nodes would serve them: each its own node id and
    /// sequence, some events missing (not relayed yet), one node in another order.
    static func relayPages() -> [Data] {
        let whole = EventsFastReaderTests.demoShapedPage(events: 40, seed: 7)
        let start = whole.range(of: "\"events\":[")!.upperBound
        let body = whole[start..<whole.index(whole.endIndex, offsetBy: -2)]
        let events = body.components(separatedBy: "},{").enumerated().map { index, text in
            (index == 0 ? "" : "{") + text + (index == 39 ? "" : "}")
        }
        func page(_ node: String, next: Int, _ list: [String]) -> Data {
            Data(("{\"node_id\":\"\(node)\",\"next\":\(next),\"events\":[" + list.joined(separator: ",") + "]}").utf8)
        }
        return [page("node-a", next: 140, events),
                page("node-b", next: 77, Array(events.dropLast(5))),
                page("node-c", next: 903, events.reversed())]
    }

    func testEachRelayedCopyIsReadOnceWithTheSameResult() throws {
        var copies = RelayCopies(keepMs: 2_000)
        copies.advance(nowMs: 0)
        let pages = Self.relayPages()
        for (index, data) in pages.enumerated() {
            let reference = try XCTUnwrap(EventsPage.fastDecode(data))
            let hitsBefore = copies.hits
            let read = try XCTUnwrap(EventsPage.fastDecode(data, copies: &copies))
            XCTAssertEqual(read, reference)
            XCTAssertEqual("\(read)", "\(reference)")
            XCTAssertEqual(copies.hits - hitsBefore, index == 0 ? 0 : reference.events.count, "page \(index)")
        }
        XCTAssertEqual(copies.count, 40)
    }

    func testACopyDifferingInAnyByteIsReadInFull() throws {
        var copies = RelayCopies(keepMs: 2_000)
        let event = #"{"ts":1786788752001,"request_id":"Fh3kQ0w9ZpL2aXc8Yt1m","profile":"public","source_node_id":"fra-1","#
            + #""chain_id":1,"chain":"ethereum","method":"eth_call","provider_id":"ethereum_drpc","duration_ms":84}"#
        func page(_ event: String) -> Data { Data((#"{"node_id":"n","next":1,"events":["# + event + "]}").utf8) }
        _ = try XCTUnwrap(EventsPage.fastDecode(page(event), copies: &copies))
        // Past the key's 64 bytes (a different duration), inside them (another stamp), and one byte longer.
        for changed in [event.replacingOccurrences(of: "\"duration_ms\":84", with: "\"duration_ms\":85"),
                        event.replacingOccurrences(of: "1786788752001", with: "1786788752002"),
                        event.replacingOccurrences(of: "\"duration_ms\":84", with: "\"duration_ms\":840")] {
            let read = try XCTUnwrap(EventsPage.fastDecode(page(changed), copies: &copies))
            XCTAssertEqual(read, try EventsPage.foundationDecode(page(changed)))
        }
        XCTAssertEqual(copies.hits, 0)
        // The changed durations share the original's first 64 bytes, so its key: the last one read took its place.
        for expectedHits in [0, 1] {
            let again = try XCTUnwrap(EventsPage.fastDecode(page(event), copies: &copies))
            XCTAssertEqual(again, try EventsPage.foundationDecode(page(event)))
            XCTAssertEqual(copies.hits, expectedHits)
        }
        // Shorter than the key: never kept, always read.
        var short = RelayCopies(keepMs: 2_000)
        for _ in 0..<2 { _ = EventsPage.fastDecode(page(#"{"ts":1,"method":"m","provider_id":"p"}"#), copies: &short) }
        XCTAssertEqual(short.count, 0)
        XCTAssertEqual(short.hits, 0)
    }

    /// Copies live one to two `keepMs`, and one generation holds about `maxBytes` of event text.
    func testCopiesExpireAndStayBounded() throws {
        let pages = Self.relayPages()
        var copies = RelayCopies(keepMs: 2_000)
        copies.advance(nowMs: 10_000)
        _ = EventsPage.fastDecode(pages[0], copies: &copies)
        copies.advance(nowMs: 11_999)
        _ = EventsPage.fastDecode(pages[1], copies: &copies)
        XCTAssertEqual(copies.hits, 35, "same generation")
        copies.advance(nowMs: 12_000)
        _ = EventsPage.fastDecode(pages[2], copies: &copies)
        XCTAssertEqual(copies.hits, 75, "the generation before")
        copies.advance(nowMs: 14_000)
        copies.advance(nowMs: 16_000)
        XCTAssertEqual(copies.count, 0)
        _ = EventsPage.fastDecode(pages[0], copies: &copies)
        XCTAssertEqual(copies.hits, 75, "expired copies are read again")
        copies.advance(nowMs: 1_000)   // the clock went back: a new generation, the last one kept
        XCTAssertEqual(copies.count, 40)

        var small = RelayCopies(keepMs: 2_000, maxBytes: 2_000)
        for seed in 0..<50 { _ = EventsPage.fastDecode(Data(EventsFastReaderTests.demoShapedPage(events: 20, seed: UInt64(seed)).utf8), copies: &small) }
        XCTAssertLessThanOrEqual(small.count, 2 * 2_000 / RelayCopies.keyLength)
    }

    /// Seed pages and their mutants (the events reader's fuzz) read through one set of kept copies, the seeds again
    /// after their mutants: every page reads as it does alone, and the copies were used.
    func testDifferentialAgainstReadingEachPageAlone() {
        var rng = SeededGenerator(seed: 0xC0_91E5)
        var copies = RelayCopies(keepMs: 2_000)
        var nowMs: Int64 = 0
        var checked = 0, answered = 0
        let seeds = EventsFastReaderTests.acceptedSeeds + EventsFastReaderTests.otherSeeds
            + Self.relayPages().map { String(decoding: $0, as: UTF8.self) }
        let iterations = max(50, FastReaderDifferential<EventsPage>.iterationsPerSeed / 5)
        for seed in seeds {
            let bytes = Array(seed.utf8)
            let members = JSONMutator.members(bytes)
            var inputs = [bytes]
            for _ in 0..<iterations { inputs.append(JSONMutator.mutate(bytes, seedMembers: members, using: &rng)) }
            inputs.append(bytes)
            for input in inputs {
                nowMs += Int64.random(in: 0...300, using: &rng)
                copies.advance(nowMs: nowMs)
                let data = Data(input)
                let alone = EventsPage.fastDecode(data)
                let withCopies = EventsPage.fastDecode(data, copies: &copies)
                checked += 1
                if alone != nil { answered += 1 }
                XCTAssertEqual(withCopies, alone, String(decoding: input.prefix(300), as: UTF8.self))
                if withCopies != alone { return }
            }
        }
        print("relay copies differential: \(checked) pages, \(answered) read by the fast reader, \(copies.hits) events taken from copies")
        XCTAssertGreaterThan(copies.hits, checked)
        XCTAssertGreaterThan(answered, checked / 10)
    }
}
