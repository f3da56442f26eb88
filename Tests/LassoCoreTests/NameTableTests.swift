import Foundation
import XCTest
@testable import LassoCore

/// Bodies read with one `NameTable` share their method names and provider ids (one `String` for every node's copy),
/// and are otherwise the same values as without it. The metrics reader's differential fuzz also reads every mutant
/// through one small table (MetricsFastReaderTests.differential).
final class NameTableTests: XCTestCase {
    static func body(seed: UInt64) -> Data {
        Data(MetricsFastReaderTests.demoShapedBody(providers: 6, methods: 5, seed: seed).utf8)
    }

    /// Where a string's UTF-8 lives: the same for two copies of one `String`, different for two equal ones made apart.
    static func storage(_ text: String) -> UnsafeRawPointer? {
        text.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress!) }
    }

    static func names(_ metrics: MetricsResponse) -> [String] {
        metrics.providers.map(\.id) + metrics.providers.compactMap(\.name) + metrics.rpcMethods
            + metrics.methodsByProvider.flatMap { [$0.providerID] + ($0.providerName.map { [$0] } ?? []) + $0.methods.map(\.method) }
    }

    func testBodiesReadWithOneTableShareTheirNames() throws {
        let table = NameTable()
        let first = try XCTUnwrap(MetricsResponse.fastDecode(Self.body(seed: 1), names: table))
        let second = try XCTUnwrap(MetricsResponse.fastDecode(Self.body(seed: 2), names: table))
        XCTAssertNotEqual(first, second, "two nodes' bodies: other figures, the same names")
        let (a, b) = (Self.names(first), Self.names(second))
        XCTAssertEqual(a, b)
        // Names of up to 15 bytes live inside the String (`eth_method0@ws`): nothing to share.
        let long = zip(a, b).filter { $0.0.utf8.count > 15 }
        XCTAssertGreaterThan(long.count, 30)
        for (x, y) in long {
            XCTAssertEqual(Self.storage(x), Self.storage(y), "\(x) is one String in both bodies")
        }
        // The names a body repeats (a method under every provider) are one String within it too.
        let methods = first.methodsByProvider.map { $0.methods[1].method }
        XCTAssertEqual(methods.first, "eth_method1@http")
        XCTAssertEqual(Set(methods.map { Self.storage($0) }).count, 1)
        XCTAssertEqual(table.count, Set(long.map(\.0)).count, "6 provider ids, 4 non-null provider names, 3 long method names")
        XCTAssertEqual(table.count, 13)

        // Without a table each body has its own copies: the check above can fail.
        let apart = try XCTUnwrap(MetricsResponse.fastDecode(Self.body(seed: 2)))
        XCTAssertEqual(apart, second)
        XCTAssertNotEqual(Self.storage(Self.names(apart)[0]), Self.storage(a[0]))
    }

    func testATableChangesNoValue() throws {
        let table = NameTable()
        for seed in UInt64(0)..<20 {
            let body = Self.body(seed: seed)
            XCTAssertEqual(MetricsResponse.fastDecode(body, names: table), MetricsResponse.fastDecode(body), "seed \(seed)")
            XCTAssertEqual(try MetricsResponse.decode(body, names: table), try MetricsResponse.foundationDecode(body), "seed \(seed)")
        }
    }

    /// At half its slots the table starts over: bounded, and the values stay right.
    func testAFullTableStartsOverAndReadsTheSame() throws {
        let table = NameTable(capacity: 8)
        for seed in UInt64(0)..<5 {
            let body = Self.body(seed: seed)
            XCTAssertEqual(MetricsResponse.fastDecode(body, names: table), MetricsResponse.fastDecode(body))
            XCTAssertLessThanOrEqual(table.count, 4)
            XCTAssertGreaterThan(table.count, 0)
        }
        XCTAssertEqual(table.shared("a name of more than fifteen bytes"), "a name of more than fifteen bytes")
    }

    func testNamesOutsideSixteenTo256BytesStayOut() {
        let table = NameTable()
        for length in [1, 15, 257, 10_000] {
            let name = String(repeating: "m", count: length)
            XCTAssertEqual(table.shared(name), name)
        }
        XCTAssertEqual(table.count, 0)
        XCTAssertEqual(table.shared(String(repeating: "m", count: 256)).utf8.count, 256)
        XCTAssertEqual(table.count, 1)
    }

    /// An events page's reader keeps a session of its own: a value repeated on the page is one `String`.
    func testAnEventsPageSharesItsRepeatedValues() throws {
        let event = { (id: String) in
            #"{"ts":1786788752001,"request_id":"\#(id)","profile":"public","source_node_id":"iad-1","chain_id":1,"chain":"ethereum","method":"eth_getTransactionReceipt","strategy":"load_balanced","provider_id":"ethereum_alchemy_archive","transport":"http","duration_ms":84,"result":"success","request_origin":"client","failover_count":0}"#
        }
        let page = Data(#"{"node_id":"iad-1","next":2,"events":[\#(event("a1")),\#(event("b2"))]}"#.utf8)
        let events = try XCTUnwrap(EventsPage.fastDecode(page)).events
        XCTAssertEqual(events.count, 2)
        XCTAssertEqual(events[0].providerID, "ethereum_alchemy_archive")
        XCTAssertEqual(Self.storage(events[0].providerID!), Self.storage(events[1].providerID!))
        XCTAssertEqual(Self.storage(events[0].method!), Self.storage(events[1].method!))
    }

    func testShortNamesStayInline() throws {
        let table = NameTable()
        let body = Data(#"{"chain":"ethereum","chain_id":1,"timestamp":1,"providers":[{"id":"p_alpha","total_calls":3}],"rpc_methods":["eth_call"],"rpc_performance_by_provider":[{"provider_id":"p_alpha","methods":[{"method":"eth_call","total_calls":3}]}],"last_updated":1}"#.utf8)
        let metrics = try XCTUnwrap(MetricsResponse.fastDecode(body, names: table))
        XCTAssertEqual(metrics.providers.map(\.id), ["p_alpha"])
        XCTAssertEqual(metrics.methodsByProvider.first?.methods.map(\.method), ["eth_call"])
        XCTAssertEqual(table.count, 0)
    }

    /// The aggregation finds shared names equal by storage: the same aggregate as over each body's own copies, in
    /// any order of nodes.
    func testAggregatingSharedNamesGivesTheSameAggregate() throws {
        let table = NameTable()
        var shared: [NodeChainReport] = [], apart: [NodeChainReport] = []
        for seed in UInt64(0)..<8 {
            let body = Self.body(seed: seed)
            shared.append(NodeChainReport(node: "node-\(seed)", metrics: try MetricsResponse.decode(body, names: table)))
            apart.append(NodeChainReport(node: "node-\(seed)", metrics: try MetricsResponse.decode(body)))
        }
        XCTAssertEqual(Aggregation.aggregate(chain: "ethereum", reports: shared, totalNodes: 8),
                       Aggregation.aggregate(chain: "ethereum", reports: apart, totalNodes: 8))
        XCTAssertEqual(Aggregation.aggregate(chain: "ethereum", reports: shared.reversed(), totalNodes: 8),
                       Aggregation.aggregate(chain: "ethereum", reports: apart.reversed(), totalNodes: 8))
    }
}
