import Foundation
import XCTest
@testable import LassoCore

/// The byte-level events page reader against Foundation's `JSONDecoder` path: wherever the reader answers, its answer
/// is the decoder's; wherever it gives up, `EventsPage.decode` returns the decoder's result or error. Real demo pages
/// over HTTP are checked in Tests/LassoClientTests/EventsFastReaderOverHTTPTests.swift.
final class EventsFastReaderTests: XCTestCase {

    // MARK: - Seeds

    /// A page written the way the demo node writes one (Sources/LassoDemo/Encoding.swift): routing events with every
    /// field, circuit events, in the node's key order.
    static func demoShapedPage(events: Int, seed: UInt64) -> String {
        var rng = SeededGenerator(seed: seed)
        let methods = ["eth_blockNumber", "eth_call", "eth_getBalance", "eth_getLogs"]
        let ts = Int64(1_786_788_752_000)
        var list: [String] = []
        for i in 0..<events {
            let stamp = ts + Int64(i * 7)
            if Int.random(in: 0..<8, using: &rng) == 0 {
                list.append("{\"kind\":\"circuit\",\"ts\":\(stamp),\"profile\":\"public\",\"source_node_id\":\"node-b\","
                    + "\"chain_id\":1,\"chain\":\"ethereum\",\"provider_id\":\"ethereum_provider\(i % 4)\",\"transport\":\"http\","
                    + "\"from\":\"closed\",\"to\":\"open\",\"reason\":\"failure_threshold_exceeded\"}")
            } else {
                list.append("{\"ts\":\(stamp),\"request_id\":\"req-\(seed)-\(i)\",\"profile\":\"public\","
                    + "\"source_node_id\":\"node-a\",\"chain_id\":\(i % 2 == 0 ? 1 : 8453),"
                    + "\"chain\":\"\(i % 2 == 0 ? "ethereum" : "base")\",\"method\":\"\(methods.randomElement(using: &rng)!)\","
                    + "\"strategy\":\"fastest\",\"provider_id\":\"ethereum_provider\(i % 4)\",\"transport\":\"http\","
                    + "\"duration_ms\":\(Int.random(in: 1...900, using: &rng)),"
                    + "\"result\":\"\(Bool.random(using: &rng) ? "success" : "error")\",\"request_origin\":\"user\","
                    + "\"failover_count\":\(Int.random(in: 0...2, using: &rng))}")
            }
        }
        return "{\"node_id\":\"node-a\",\"next\":\(4_000 + events),\"events\":[" + list.joined(separator: ",") + "]}"
    }

    /// Pages the reader must take whole.
    static let acceptedSeeds: [String] = [
        demoShapedPage(events: 20, seed: 1),
        demoShapedPage(events: 3, seed: 2),
        #"{"node_id":"n1","next":0,"events":[]}"#,
        """
        {
          "events" : [
            { "kind" : "cluster", "ts" : 5, "severity" : "warning", "message" : "node n2 down", "extra" : [true, {}, -1.5e3] },
            { "kind" : null, "ts" : 9999999999999, "method" : "eth_call", "provider_id" : "p", "chain_id" : "137",
              "duration_ms" : null, "failover_count" : null, "severity" : null, "relay_node" : "r", "node" : "n",
              "provider_name" : "P" },
            { "kind" : "circuit", "ts" : 0, "provider_id" : "p", "from" : null, "to" : "half_open", "chain_id" : "x1" }\r
          ],
        \t"next" : 17, "node_id" : "n2", "version" : 1
        }
        """,
    ]

    /// Pages the decoder rejects or reads oddly: seeds for the fuzz, not for the fast path.
    static let otherSeeds: [String] = [
        #"{"node_id":"n1","next":3,"events":[{"ts":1,"method":"m"},{"ts":1200.0,"method":"m","provider_id":"p","chain_id":1.5}]}"#,
        #"{"node_id":null,"next":-1,"events":null}"#,
    ]

    /// Values an event field may be set to, beyond the generic ones of `JSONMutator`.
    static let eventValues: [String] = [
        "\"routing\"", "\"circuit\"", "\"cluster\"", "\"Routing\"", "\"info\"", "\"warning\"", "\"critical\"", "\"fatal\"",
        "\"137\"", "\"+137\"", "\"-1\"", "\"0x89\"", "\" 1\"", "\"\"", "\"99999999999999999999\"", "4102444800000",
        "-1786788752000", "1786788752000.0", "1786788752000.5",
    ]

    // MARK: - Checking one page

    typealias Tally = FastReaderDifferential<EventsPage>.Tally

    static var differential: FastReaderDifferential<EventsPage> { .init(
        fast: { EventsPage.fastDecode($0) },
        foundation: { (data: Data) throws(LassoDecodeError) in try EventsPage.foundationDecode(data) },
        combined: { (data: Data) throws(LassoDecodeError) in try EventsPage.decode(data) },
        noun: "page") }

    static func check(_ bytes: [UInt8], against seedResult: EventsPage?, into tally: inout Tally) {
        differential.check(bytes, against: seedResult, into: &tally)
    }

    // MARK: - Tests

    func testSeedPagesTakeTheFastPathAndMatchFoundation() throws {
        for seed in Self.acceptedSeeds {
            let data = Data(seed.utf8)
            let fast = try XCTUnwrap(EventsPage.fastDecode(data), "the reader gave up on a well-formed page: \(seed.prefix(200))")
            let reference = try EventsPage.foundationDecode(data)
            XCTAssertEqual(fast, reference)
            XCTAssertEqual("\(fast)", "\(reference)")
        }
        let page = try XCTUnwrap(EventsPage.fastDecode(Data(Self.demoShapedPage(events: 200, seed: 9).utf8)))
        XCTAssertEqual(page.events.count, 200)
        XCTAssertEqual(page.next, 4_200)
        XCTAssertEqual(page.nodeID, "node-a")
    }

    /// Repeated values are made into one `String` per page, in a table far smaller than this page's 600 distinct
    /// methods, providers and chains (so slots are reused and collide), keys in changing orders: every value still reads
    /// as written.
    func testSharedValuesReadAsWrittenWhenSlotsCollide() throws {
        var events: [String] = []
        for i in 0..<600 {
            let fields = [#""kind":"routing""#, #""ts":\#(1_000 + i)"#, #""request_id":"r\#(i)""#,
                          #""method":"m\#(i % 200)""#, #""provider_id":"p\#(i % 150)_\#(i % 7)""#,
                          #""chain":"c\#(i % 250)""#, #""result":"\#(i % 3 == 0 ? "error" : "success")""#]
            let order = i % 4 == 0 ? fields.reversed() : fields
            events.append("{" + order.joined(separator: ",") + "}")
        }
        let data = Data((#"{"node_id":"n","next":600,"events":["# + events.joined(separator: ",") + "]}").utf8)
        let fast = try XCTUnwrap(EventsPage.fastDecode(data))
        XCTAssertEqual(fast, try EventsPage.foundationDecode(data))
        for (i, event) in fast.events.enumerated() {
            XCTAssertEqual(event.method, "m\(i % 200)")
            XCTAssertEqual(event.providerID, "p\(i % 150)_\(i % 7)")
            XCTAssertEqual(event.chain, "c\(i % 250)")
        }
    }

    func testEdgeCasesMatchFoundation() throws {
        func page(_ event: String) -> Data { Data((#"{"node_id":"n","next":1,"events":[{"ts":1,"# + event + "}]}").utf8) }
        let routing = #""method":"m","provider_id":"p""#
        // (event fields after "ts":1, the fast reader answers, check on Foundation's result or nil when it must fail)
        let cases: [(String, Bool, ((EventsPage) -> Bool)?)] = [
            (routing, true, { $0.events.first?.kind == .routing && $0.events.first?.failoverCount == 0 }),
            (#""method":"m""#, false, nil),                                           // routing needs provider_id
            (#""kind":"circuit","provider_id":"p""#, false, nil),                     // circuit needs to
            (#""kind":"circuit","provider_id":"p","to":"open""#, true, { $0.events.first?.isError == true }),
            (#""kind":"cluster","message":"m","severity":"critical""#, true, { $0.events.first?.severity == .critical }),
            (#""kind":"cluster","message":"m","severity":"fatal""#, false, nil),
            (#""kind":"bogus","message":"m""#, false, nil),
            (routing + #","kind":null"#, true, { $0.events.first?.kind == .routing }),
            (routing + #","chain_id":"137""#, true, { $0.events.first?.chainID == 137 }),
            (routing + #","chain_id":"+137""#, true, { $0.events.first?.chainID == 137 }),
            (routing + #","chain_id":"0x89""#, true, { $0.events.first?.chainID == nil }),
            (routing + #","chain_id":1.5"#, false, { $0.events.first?.chainID == nil }),
            (routing + #","chain_id":-1"#, false, { $0.events.first?.chainID == -1 }),
            (routing + #","chain_id":true"#, false, { $0.events.first?.chainID == nil }),
            (routing + #","duration_ms":12.0"#, false, { $0.events.first?.durationMs == 12 }),
            (routing + #","duration_ms":-3"#, false, nil),
            (routing + #","failover_count":null"#, true, { $0.events.first?.failoverCount == 0 }),
            (routing + #","method":"n""#, false, { $0.events.first?.method != nil }),   // duplicate: the decoder's pick
            (routing + #","chain":"caf\u00e9""#, false, { $0.events.first?.chain == "café" }),
            (routing + #","chain":"café""#, false, { $0.events.first?.chain == "café" }),
            (routing + #","reason":"\u001b[2J""#, false, { $0.events.first?.reason == "\u{1B}[2J" }),
            (routing + #","profile":7"#, false, nil),
            (routing + #","extra":{"a":[1,2,{"b":null}]}"#, true, { $0.events.count == 1 }),
        ]
        for (fields, answers, holds) in cases {
            let data = page(fields)
            let reference = Result { () throws(LassoDecodeError) in try EventsPage.foundationDecode(data) }
            switch (reference, holds) {
            case (.success(let value), let holds?): XCTAssertTrue(holds(value), "\(fields): Foundation gave \(value)")
            case (.failure, nil): break
            default: XCTFail("\(fields): Foundation gave \(reference)")
            }
            let fast = EventsPage.fastDecode(data)
            XCTAssertEqual(fast != nil, answers, "\(fields): fast reader \(fast.map { "\($0)" } ?? "gave up")")
            if let fast { XCTAssertEqual(fast, try reference.get(), fields) }
            let combined = Result { () throws(LassoDecodeError) in try EventsPage.decode(data) }
            XCTAssertEqual(combined, reference, fields)
        }
        // A stamp from the future is the decoder's value too: the feed, not the decoder, deals with it.
        let late = Data(#"{"node_id":"n","next":1,"events":[{"ts":4102444800000,"method":"m","provider_id":"p"}]}"#.utf8)
        XCTAssertEqual(EventsPage.fastDecode(late)?.events.first?.ts, 4_102_444_800_000)
        XCTAssertEqual(EventsPage.fastDecode(late), try EventsPage.foundationDecode(late))
    }

    func testBrokenPagesGiveFoundationsError() {
        for text in ["", " ", "[]", "{", #"{"node_id":"n","next":1,"events":[]}x"#, #"{"node_id":"n","next":1}"#,
                     #"{"next":1,"events":[]}"#, #"{"node_id":"n","events":[]}"#, #"{"node_id":null,"next":1,"events":[]}"#,
                     #"{"node_id":"n","next":null,"events":[]}"#, #"{"node_id":"n","next":1,"events":null}"#,
                     #"{"node_id":"n","next":1.5,"events":[]}"#, #"{"node_id":"n","next":1,"events":{}}"#,
                     #"{"node_id":"n","next":1,"events":[{}]}"#, #"{"node_id":"n","next":1,"events":[null]}"#,
                     #"{"node_id":"n","next":1,"events":[[]]}"#] {
            let data = Data(text.utf8)
            XCTAssertNil(EventsPage.fastDecode(data), text)
            let expected = Result { () throws(LassoDecodeError) in try EventsPage.foundationDecode(data) }
            guard case .failure(let error) = expected else { XCTFail("\(text) should not decode"); continue }
            XCTAssertThrowsError(try EventsPage.decode(data), text) { XCTAssertEqual($0 as? LassoDecodeError, error, text) }
        }
    }

    func testDifferentialFuzzAgainstFoundation() {
        let perSeed = FastReaderDifferential<EventsPage>.iterationsPerSeed
        let seeds = Self.acceptedSeeds + Self.otherSeeds
        // Events-specific values: a kind, a severity, a chain id as text, a stamp far ahead.
        let tally = Self.differential.fuzz(seeds: seeds, values: Self.eventValues, rngSeed: 0xE7E7_FA57)
        XCTAssertEqual(tally.failures, [])
        XCTAssertEqual(tally.fast + tally.bailed, perSeed * seeds.count)
        XCTAssertGreaterThan(tally.fast, perSeed * seeds.count / 10)
        XCTAssertGreaterThan(tally.fastAndChanged, perSeed * seeds.count / 20)
        XCTAssertGreaterThan(tally.bailed, perSeed * seeds.count / 10)
        XCTAssertGreaterThan(tally.failed, 0)
    }
}
