import XCTest
import LassoCore
@testable import LassoTUI

/// The header names where the picture comes from when the dashboard reads `lassotop serve` (RuntimeInfo.source), and
/// says nothing when this process polls the nodes itself.
final class HubHeaderTests: XCTestCase {
    let now: Int64 = 1_786_788_753_000

    func header(source: String?, width: Int = 120, name: String? = "prod") -> String {
        let snapshot = ClusterSnapshot(generatedAtMs: now, clusterName: name,
                                       coverage: Coverage(responding: 2, total: 3, status: .degraded, quorum: true, partitionSuspected: false),
                                       nodes: [], chains: [])
        var state = UIState()
        state.screenWidth = width
        state.screenHeight = 24
        let grid = Renderer.render(state: state, snapshot: snapshot, size: GridSize(width: width, height: 24), caps: RenderCaps(),
                                   nowMs: now, runtime: RuntimeInfo(healthIntervalMs: 2_000, source: source))
        return grid.line(0)
    }

    func testViaHubInTheHeader() {
        let line = header(source: "via hub")
        XCTAssertTrue(line.contains("prod  via hub  Coverage: 2/3 nodes"), line)
    }

    func testNothingWhenPollingLocally() {
        XCTAssertFalse(header(source: nil).contains("via hub"))
    }

    func testKeptOnANarrowScreenBeforeLessImportantSegments() {
        let name = "production-cluster-eu-west-1-and-friends"
        XCTAssertTrue(header(source: "via hub", width: 120, name: name).contains(name))
        let line = header(source: "via hub", width: 80, name: name)
        XCTAssertTrue(line.contains("via hub"), line)
        XCTAssertTrue(line.contains("Coverage: 2/3 nodes"), line)
        XCTAssertFalse(line.contains("production"), "the cluster name goes first: \(line)")
    }

    func testSourceIsSanitized() {
        XCTAssertFalse(header(source: "via \u{1B}[31mhub").contains("\u{1B}"))
    }
}
