import XCTest
@testable import LassoBenchmarks
@testable import LassoCore

/// Runs each benchmark body once on tiny inputs so the bench cannot rot. No timing is asserted here.
final class WorkloadSmokeTests: XCTestCase {
    func testAggregationWorkload() {
        let chains = ["ethereum": Workloads.reports(nodes: 3, providers: 4, methods: 2),
                      "base": Workloads.reports(nodes: 3, providers: 4, methods: 2, chain: "base")]
        XCTAssertGreaterThan(Workloads.aggregateAll(chains, nodes: 3), 0)
    }

    func testDecodeWorkloadRoundTrips() throws {
        let body = try Workloads.metricsBody(providers: 3, methods: 2)
        XCTAssertEqual(try Workloads.decodeMetrics(body), 3)
        let decoded = try MetricsResponse.decode(body)
        XCTAssertEqual(decoded, Workloads.metrics(providers: 3, methods: 2))
    }

    func testFigurePassFail() {
        XCTAssertEqual(Measure.figure("x", unit: "ms", values: [3, 1, 2], budget: 2, .atMost).pass, true)
        XCTAssertEqual(Measure.figure("x", unit: "ms", values: [3, 3, 2], budget: 2, .atMost).pass, false)
        XCTAssertEqual(Measure.figure("x", unit: "/s", values: [5], budget: 4, .atLeast).pass, true)
    }
}

final class FeedWorkloadSmokeTests: XCTestCase {
    func testStreamHasDuplicatesAndLateEvents() {
        let input = FeedBenchmarks.stream(count: 5_000)
        var feed = FeedBuffer(options: FeedOptions())
        for item in input { _ = feed.ingest(item.event, nowMs: item.nowMs) }
        let duplicateShare = Double(feed.stats.duplicatesDropped) / Double(input.count)
        XCTAssertEqual(duplicateShare, 0.3, accuracy: 0.05)
        XCTAssertTrue(zip(input, input.dropFirst()).contains { $1.event.ts < $0.event.ts }, "some events arrive late")
    }

    func testBenchBodiesRunTiny() {
        XCTAssertNotNil(FeedBenchmarks.dedupIngest(count: 2_000, runs: 1).pass)
        XCTAssertEqual(FeedBenchmarks.dedupMemory(total: 3_000, lap: 1_000).unit, "%")
        XCTAssertNotNil(CoreBenchmarks.aggregation(nodes: 3, providers: 2, methods: 2, runs: 1).pass)
        XCTAssertNil(CoreBenchmarks.aggregation(nodes: 3, providers: 2, methods: 2, runs: 1, shared: false).pass)
        XCTAssertNotNil(try CoreBenchmarks.decode(providers: 2, methods: 2, runs: 1).pass)
    }
}
