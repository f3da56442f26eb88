import LassoCore
import XCTest
@testable import LassoTUI

/// Flexible column widths: names get the width other columns leave blank (Sources/LassoTUI/Table/TableColumn.swift).
final class FlexibleLayoutTests: XCTestCase {
    /// Node names that are addresses, long provider and method names, an alert subject with a chain prefix.
    static func longNames() -> ClusterSnapshot {
        var snapshot = Fixtures.snapshot(.partial)
        func rename(_ node: String) -> String {
            ["iad-1": "127.0.0.1:40001", "fra-1": "127.0.0.1:40002", "sin-1": "127.0.0.1:40003"][node] ?? node
        }
        snapshot.nodes = snapshot.nodes.map { var n = $0; n.name = rename(n.name); return n }
        snapshot.feed = snapshot.feed.map { event in
            var e = event
            e.sourceNodeID = e.sourceNodeID.map(rename)
            if e.providerID == "alchemy" { e.providerID = "alchemy_ethereum_archive" }
            if e.method == "eth_getLogs" { e.method = "eth_getTransactionReceipt" }
            return e
        }
        snapshot.chains = snapshot.chains.map { chain in
            var c = chain
            c.providers = c.providers.map { var p = $0; if p.id == "alchemy" { p.name = "Alchemy Ethereum Archive (eu-west)" }; return p }
            return c
        }
        snapshot.alerts = snapshot.alerts.map { var a = $0; if a.subject == "llamarpc" { a.subject = "ethereum/llamarpc_public" }; return a }
        return snapshot
    }

    /// At 120 columns and wider no name is cut in any of these views (at 80, the Nodes view): the frame holds every
    /// name whole.
    func testNoNameIsCutFrom120Columns() {
        for width in [80, 120, 200] {
            for view in [TopView.overview, .nodes, .alerts, .feed] where width > 80 || view == .nodes {
                var state = UIState()
                state.pages = [PageEntry(page: .view(view))]
                state.screenWidth = width
                state.screenHeight = 40
                let text = Renderer.render(state: state, snapshot: Self.longNames(), size: GridSize(width: width, height: 40),
                                           caps: RenderCaps(), nowMs: Fixtures.nowMs, runtime: RuntimeInfo()).text
                for name in ["127.0.0.1:40001", "127.0.0.1:40002"] where view != .alerts {
                    XCTAssertTrue(text.contains(name), "\(view) at \(width): \(name) cut")
                }
                if view == .overview || view == .feed {
                    XCTAssertTrue(text.contains("→ alchemy_ethereum_archive"), "\(view) at \(width): provider cut")
                    XCTAssertTrue(text.contains("eth_getTransactionReceipt"), "\(view) at \(width): method cut")
                }
                if view == .overview { XCTAssertTrue(text.contains("Alchemy Ethereum Archive (eu-west)"), "providers at \(width)") }
                if view == .alerts { XCTAssertTrue(text.contains("ethereum/llamarpc_public"), "alert subject at \(width)") }
            }
        }
    }

    func testContentIsFittedBeforeSpareWidthIsShared() {
        // A name column (share 0) with 30-cell names and a message column (share 1) with short text, 50 cells wide.
        let columns = [LayoutColumn(width: .flexible(min: 10, share: 0), priority: 0, header: 4, content: 30),
                       LayoutColumn(width: .flexible(min: 12), priority: 0, header: 10, content: 5),
                       LayoutColumn(width: .fixed(5), priority: 0, header: 3)]
        XCTAssertEqual(TableLayout.layout(columns, width: 50).map(\.width), [30, 13, 5])
        // Too narrow for the whole name: the message column shrinks to its header, the name takes the rest.
        XCTAssertEqual(TableLayout.layout(columns, width: 30).map(\.width), [13, 10, 5])
        // Two cut columns: the name (share 0) is fitted before the message.
        let both = [columns[0], LayoutColumn(width: .flexible(min: 12), priority: 0, header: 10, content: 40)]
        XCTAssertEqual(TableLayout.layout(both, width: 50).map(\.width), [30, 19])
    }

    func testACutNameTakesWidthFromAMessageColumnDownToItsHeader() {
        // 40 cells: name needs 20, message min 16 (header 10, content 30); without lending the name would get 14.
        let columns = [LayoutColumn(width: .flexible(min: 12, share: 0), priority: 0, header: 4, content: 20),
                       LayoutColumn(width: .flexible(min: 16), priority: 0, header: 10, content: 30),
                       LayoutColumn(width: .fixed(8), priority: 0, header: 4)]
        XCTAssertEqual(TableLayout.layout(columns, width: 40).map(\.width), [20, 10, 8])
        XCTAssertEqual(TableLayout.layout(columns, width: 38).map(\.width), [18, 10, 8], "the message never goes below its header")
    }

    func testSortedHeaderKeepsRoomForItsArrow() {
        let columns = [LayoutColumn(width: .fixed(4), priority: 0, header: 7), LayoutColumn(width: .flexible(min: 4), priority: 0, header: 4)]
        XCTAssertEqual(TableLayout.layout(columns, width: 20).map(\.width), [7, 12])
    }
}

extension GoldenTests {
    func testLongNamesGoldensAtEverySize() {
                for size in GoldenTests.sizes {
            assertGolden("long-names", snapshot: FlexibleLayoutTests.longNames(), size: size)
            var nodes = UIState()
            nodes.pages = [PageEntry(page: .view(.nodes))]
            assertGolden("long-names-nodes", state: nodes, snapshot: FlexibleLayoutTests.longNames(), size: size)
            var alerts = UIState()
            alerts.pages = [PageEntry(page: .view(.alerts))]
            assertGolden("long-names-alerts", state: alerts, snapshot: FlexibleLayoutTests.longNames(), size: size)
        }
    }
}

/// Empty states say why (docs/tui.md).
final class EmptyStateTests: XCTestCase {
    func testDiscoveryErrorIsShownWhereTheNodesWouldBe() {
        var snapshot = Fixtures.snapshot(.offline)
        snapshot.nodes = []
        snapshot.coverage = Coverage(responding: 0, total: 0, status: .offline, quorum: false, partitionSuspected: false)
        snapshot.discoveryError = "--discover no-such-host.invalid: cannot resolve no-such-host.invalid: Name or service not known"
        for page in [TopView.overview, .nodes] {
            var state = UIState()
            state.pages = [PageEntry(page: .view(page))]
            let text = Renderer.render(state: state, snapshot: snapshot, size: GridSize(width: 120, height: 40), caps: RenderCaps(),
                                       nowMs: Fixtures.nowMs).text
            XCTAssertTrue(text.contains("Nodes 0/0 · discovery failing"), text)
            XCTAssertTrue(text.contains("cannot resolve no-such-host.invalid"), "\(page):\n\(text)")
        }
    }
}
