import XCTest
import LassoCore
@testable import LassoTUI

/// The verdict marks in the pure view: a node's own view marked on its row, CLUSTER NOT FORMED and the version skew
/// in the header (with an ASCII fallback), and none of them on a healthy cluster.
final class VerdictMarksTests: XCTestCase {
    let now: Int64 = 1_786_788_753_000

    func node(_ name: String, _ responding: Int, _ connected: Int, status: String? = nil, version: String = "0.2.0") -> NodeStatus {
        NodeStatus(name: name, url: "http://10.0.0.1:4000", state: .up, latencyMs: 12, lastSuccessMs: now, version: version,
                   uptimeSeconds: 3_600,
                   cluster: ClusterView(enabled: true, nodesConnected: connected, nodesResponding: responding,
                                        nodesTotal: connected, regions: [],
                                        status: status ?? ClusterView.apiStatus(enabled: true, responding: responding,
                                                                               connected: connected)))
    }

    func frame(_ nodes: [NodeStatus], view: TopView = .nodes, caps: RenderCaps = RenderCaps()) -> [String] {
        let responding = nodes.filter { $0.state == .up }.count
        let snapshot = ClusterSnapshot(generatedAtMs: now, coverage: Coverage(
            responding: responding, total: nodes.count, status: CoverageRules.status(responding: responding, total: nodes.count),
            quorum: responding * 2 > nodes.count, partitionSuspected: false), nodes: nodes, chains: [])
        var state = UIState()
        state.pages = [PageEntry(page: .view(view))]
        state.screenWidth = 160
        state.screenHeight = 30
        let grid = Renderer.render(state: state, snapshot: snapshot, size: GridSize(width: 160, height: 30), caps: caps,
                                   nowMs: now)
        return (0..<grid.height).map { y in (0..<grid.width).map { grid[$0, y].grapheme }.joined() }
    }

    func testHealthyClusterHasNoMarks() {
        let lines = frame([node("iad-1", 3, 3), node("fra-1", 3, 3), node("sin-1", 3, 3)])
        XCTAssertFalse(lines[0].contains("CLUSTER NOT FORMED"))
        XCTAssertFalse(lines[0].contains("versions"))
        XCTAssertFalse(lines.joined().contains("!"), lines.joined(separator: "\n"))
    }

    func testNodeWhoseOwnViewIsWorseIsMarkedOnItsRow() {
        let lines = frame([node("iad-1", 4, 4), node("fra-1", 1, 4, status: "critical"), node("sin-1", 4, 4), node("sjc-1", 4, 4)])
        let fra = lines.first { $0.contains("fra-1") } ?? ""
        XCTAssertTrue(fra.contains("1/4!"), fra)
        XCTAssertFalse((lines.first { $0.contains("iad-1") } ?? "").contains("!"))
        let grid = frame([node("iad-1", 4, 4), node("fra-1", 2, 2), node("sin-1", 4, 4), node("sjc-1", 4, 4)])
        XCTAssertTrue((grid.first { $0.contains("fra-1") } ?? "").contains("2/2!"), "sees fewer than the 4 responding")
    }

    func testClusterNotFormedAndVersionSkewInTheHeader() {
        let notFormed = frame([node("iad-1", 1, 1), node("fra-1", 1, 1), node("sin-1", 1, 1)], view: .overview)
        XCTAssertTrue(notFormed[0].contains("CLUSTER NOT FORMED"), notFormed[0])

        let deploy = [node("iad-1", 3, 3, version: "0.3.0"), node("fra-1", 3, 3), node("sin-1", 3, 3)]
        XCTAssertTrue(frame(deploy, view: .overview)[0].contains("versions 0.2.0×2 0.3.0×1"), frame(deploy)[0])
        XCTAssertTrue(frame(deploy, view: .overview, caps: RenderCaps(unicode: false))[0].contains("versions 0.2.0x2 0.3.0x1"))
    }
}
