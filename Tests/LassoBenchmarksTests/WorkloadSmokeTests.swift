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
