import Foundation
import LassoCore
import XCTest
@testable import LassoTUI

/// Rendered frames compared with reviewed text files in Golden/. `LASSOTOP_UPDATE_GOLDEN=1` rewrites them.
final class GoldenTests: XCTestCase {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let sizes = [GridSize(width: 80, height: 24), GridSize(width: 120, height: 40), GridSize(width: 200, height: 60)]

    func assertGolden(_ name: String, state: UIState = UIState(), snapshot: ClusterSnapshot, size: GridSize,
                      caps: RenderCaps = RenderCaps(), roles: Bool = false, attributes: Bool = false,
                      file: StaticString = #filePath, line: UInt = #line) {
        var state = state
        state.screenWidth = size.width
        state.screenHeight = size.height
        let grid = Renderer.render(state: state, snapshot: snapshot, size: size, caps: caps, nowMs: Fixtures.nowMs,
                                   runtime: RuntimeInfo(healthIntervalMs: 2000, memoryBytes: 23_592_960))
        XCTAssertEqual(grid.width, size.width, file: file, line: line)
        XCTAssertEqual(grid.height, size.height, file: file, line: line)
        var text = "# \(name) \(size.width)x\(size.height)\n" + grid.text + "\n"
        if roles { text += "# roles\n" + grid.roleMap + "\n" }
        if attributes { text += "# attributes\n" + grid.attributeMap + "\n" }
        let url = Self.goldenDirectory.appendingPathComponent("\(name)-\(size.width)x\(size.height).txt")
        if ProcessInfo.processInfo.environment["LASSOTOP_UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.createDirectory(at: Self.goldenDirectory, withIntermediateDirectories: true)
            XCTAssertNoThrow(try text.write(to: url, atomically: true, encoding: .utf8), file: file, line: line)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("missing golden \(url.lastPathComponent); run with LASSOTOP_UPDATE_GOLDEN=1 and review it", file: file, line: line)
            return
        }
        if expected != text {
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let firstDiff = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(expectedLines.count, actualLines.count)
            let want = firstDiff < expectedLines.count ? String(expectedLines[firstDiff]) : "<end>"
            let got = firstDiff < actualLines.count ? String(actualLines[firstDiff]) : "<end>"
            XCTFail("\(url.lastPathComponent) differs at line \(firstDiff + 1):\n  want: \(want)\n  got:  \(got)", file: file, line: line)
        }
    }

    func testHealthyOverviewAllSizes() {
        for size in Self.sizes {
            assertGolden("healthy", snapshot: Fixtures.snapshot(.healthy), size: size, roles: size.width == 120)
        }
    }

    func testPartialCoverageShowsDownNodeAndItsError() {
        for size in Self.sizes {
            assertGolden("partial", snapshot: Fixtures.snapshot(.partial), size: size, roles: size.width == 80)
        }
    }

    func testOfflineCoverage() {
        for size in Self.sizes.prefix(2) {
            assertGolden("offline", snapshot: Fixtures.snapshot(.offline), size: size)
        }
    }

    func testColdStartProvider() {
        assertGolden("cold-start", snapshot: Fixtures.snapshot(.coldStart), size: GridSize(width: 120, height: 40))
    }

    func testCJKProviderNameKeepsColumnsAligned() {
        for size in Self.sizes.prefix(2) {
            assertGolden("cjk", snapshot: Fixtures.snapshot(.cjk), size: size)
        }
    }

    func testMaliciousProviderNameIsDrawnAsPlainText() {
        assertGolden("malicious", snapshot: Fixtures.snapshot(.malicious), size: GridSize(width: 80, height: 24))
        assertGolden("malicious", snapshot: Fixtures.snapshot(.malicious), size: GridSize(width: 120, height: 40))
    }

    func testASCIIMode() {
        let caps = RenderCaps(unicode: false)
        assertGolden("ascii", snapshot: Fixtures.snapshot(.partial), size: GridSize(width: 80, height: 24), caps: caps)
        assertGolden("ascii-provider", state: providerState(), snapshot: Fixtures.snapshot(.healthy),
                     size: GridSize(width: 120, height: 40), caps: caps)
    }

    func testNoColorKeepsStateInAttributes() {
        assertGolden("nocolor", snapshot: Fixtures.snapshot(.partial), size: GridSize(width: 80, height: 24),
                     caps: RenderCaps(monochrome: true), attributes: true)
    }

    func providerState() -> UIState {
        Fixtures.state {
            $0.pages.append(PageEntry(page: .provider(chain: "ethereum", id: "infura")))
            $0.expandedMethods = ["eth_call@http"]
        }
    }

    func testProviderDetail() {
        for size in Self.sizes {
            assertGolden("provider", state: providerState(), snapshot: Fixtures.snapshot(.healthy), size: size)
        }
    }

    func testNodeDetail() {
        let state = Fixtures.state { $0.pages.append(PageEntry(page: .node(name: "sin-1"))) }
        for size in Self.sizes.prefix(2) {
            assertGolden("node-down", state: state, snapshot: Fixtures.snapshot(.partial), size: size)
        }
        var demo = Fixtures.snapshot(.healthy)
        demo.isDemo = true
        let upState = Fixtures.state { $0.pages.append(PageEntry(page: .node(name: "iad-1"))) }
        assertGolden("node-demo", state: upState, snapshot: demo, size: GridSize(width: 120, height: 40))
    }

    func testFeedWithFilterAndPaused() {
        let snapshot = Fixtures.snapshot(.healthy)
        var state = Fixtures.state {
            $0.pages = [PageEntry(page: .view(.feed))]
            $0.filterText = "ethereum !blockNumber"
        }
        state = Reducer.reduce(state, .togglePause, snapshot).0
        var later = snapshot
        later.feedStats.unique += 17
        later.feed.append(FeedEvent(kind: .routing, ts: Fixtures.nowMs, sourceNodeID: "iad-1", chain: "ethereum", method: "eth_call",
                                    providerID: "alchemy", durationMs: 12, result: "success"))
        for size in Self.sizes.prefix(2) {
            assertGolden("feed-paused", state: state, snapshot: later, size: size)
        }
        let editing = Fixtures.state {
            $0.pages = [PageEntry(page: .view(.feed))]
            $0.filterText = "error"
            $0.filterEditing = true
        }
        assertGolden("feed-editing", state: editing, snapshot: snapshot, size: GridSize(width: 80, height: 24))
    }

    func testOpsView() {
        let state = Fixtures.state { $0.pages = [PageEntry(page: .view(.ops))] }
        assertGolden("ops", state: state, snapshot: Fixtures.snapshot(.partial), size: GridSize(width: 120, height: 40))
        assertGolden("ops", state: state, snapshot: Fixtures.snapshot(.partial), size: GridSize(width: 80, height: 24))
    }

    func testAlertsView() {
        let state = Fixtures.state { $0.pages = [PageEntry(page: .view(.alerts))] }
        assertGolden("alerts", state: state, snapshot: Fixtures.snapshot(.partial), size: GridSize(width: 120, height: 40))
    }

    func testNodesAndDemoViews() {
        let nodes = Fixtures.state { $0.pages = [PageEntry(page: .view(.nodes))] }
        assertGolden("nodes", state: nodes, snapshot: Fixtures.snapshot(.partial), size: GridSize(width: 120, height: 40))
        var demo = Fixtures.snapshot(.healthy)
        demo.isDemo = true
        let demoState = Fixtures.state { $0.pages = [PageEntry(page: .view(.demo))]; $0.selection[.demoNodes] = 1 }
        assertGolden("demo", state: demoState, snapshot: demo, size: GridSize(width: 80, height: 24))
    }

    func testHelpOverlay() {
        let state = Fixtures.state { $0.helpShown = true }
        assertGolden("help", state: state, snapshot: Fixtures.snapshot(.healthy), size: GridSize(width: 80, height: 24))
        assertGolden("help", state: state, snapshot: Fixtures.snapshot(.healthy), size: GridSize(width: 120, height: 40))
        // Wide: in columns, everything at once; demo mode adds the Demo view and the fault keys.
        var demo = Fixtures.snapshot(.healthy)
        demo.isDemo = true
        assertGolden("help", state: state, snapshot: Fixtures.snapshot(.healthy), size: GridSize(width: 200, height: 60))
        assertGolden("help-demo", state: state, snapshot: demo, size: GridSize(width: 200, height: 60))
    }

    func testTooSmall() {
        assertGolden("too-small", snapshot: Fixtures.snapshot(.healthy), size: GridSize(width: 60, height: 20))
        assertGolden("too-small", snapshot: Fixtures.snapshot(.healthy), size: GridSize(width: 80, height: 23))
    }
}
