import LassoCore
import XCTest
@testable import LassoTUI

/// Sorting: every drawn column sorts, the cursor stays on its item, the sorted header keeps its arrow.
final class SortingTests: XCTestCase {
    let healthy = Fixtures.snapshot(.healthy)

    func nodesView() -> UIState {
        var state = UIState()
        state.pages = [PageEntry(page: .view(.nodes))]
        return state
    }

    func testCursorFollowsTheSelectedNodeWhenTheSortChanges() {
        var state = nodesView()
        let byName = Rows.nodes(state, healthy).map(\.name)
        state.selection[.nodes] = byName.firstIndex(of: "iad-1")
        state = Reducer.reduce(state, .nextSortColumn, healthy).0   // state
        state = Reducer.reduce(state, .nextSortColumn, healthy).0   // poll
        XCTAssertEqual(state.statusMessage, "sorted by poll")
        let byPoll = Rows.nodes(state, healthy).map(\.name)
        XCTAssertNotEqual(byPoll.firstIndex(of: "iad-1"), byName.firstIndex(of: "iad-1"), "the fixture must move iad-1")
        XCTAssertEqual(Rows.selectedID(.nodes, state, healthy), "iad-1")
        state = Reducer.reduce(state, .reverseSort, healthy).0
        XCTAssertEqual(Rows.selectedID(.nodes, state, healthy), "iad-1")
    }

    /// `s` walks every column the pane draws, then wraps; each changes the order or keeps a valid one, and the
    /// header shows the column's full title with its arrow at 80 and 120 columns.
    func testEveryDrawnColumnSortsAndItsHeaderIsNeverCut() {
        let cases: [(UIState, Pane, TableDefinition<NodeStatus>?)] = {
            var overview = UIState()
            overview.pages = [PageEntry(page: .view(.overview), focus: .nodes)]
            var ops = UIState()
            ops.pages = [PageEntry(page: .view(.ops))]
            var alerts = UIState()
            alerts.pages = [PageEntry(page: .view(.alerts))]
            return [(nodesView(), .nodes, NodeColumns.nodesView), (overview, .nodes, NodeColumns.overview), (ops, .opsNodes, NodeColumns.ops),
                    (UIState(), .providers, nil), (alerts, .alerts, nil)]
        }()
        for (start, pane, table) in cases {
            if let table {
                XCTAssertEqual(SortColumns.drawnRanks(pane, start.page).count, table.columns.filter(\.isDrawn).count, "\(pane): every column sorts")
            }
            var state = start
            var seen: [Int] = []
            for _ in 0..<40 {
                state = Reducer.reduce(state, .nextSortColumn, Fixtures.snapshot(.partial)).0
                let column = state.sortSpec(pane).column
                if seen.contains(column) { break }
                seen.append(column)
                let name = SortColumns.columns(pane)[column]
                for width in [80, 120] {
                    state.screenWidth = width
                    let text = Renderer.render(state: state, snapshot: Fixtures.snapshot(.partial), size: GridSize(width: width, height: 40),
                                               caps: RenderCaps(), nowMs: Fixtures.nowMs, runtime: RuntimeInfo()).text
                    guard let header = text.split(separator: "\n").first(where: { $0.contains("▼") }) else {
                        // A narrow terminal may drop the sorted column; then no header carries the arrow.
                        XCTAssertEqual(width, 80, "\(pane) \(name) at \(width): no sorted header")
                        continue
                    }
                    let titled = header.split(separator: " ").first { $0.hasSuffix("▼") }.map(String.init) ?? ""
                    XCTAssertFalse(titled.contains("…"), "\(pane) \(name) at \(width): header cut: \(header)")
                }
            }
            XCTAssertEqual(seen.sorted(), SortColumns.drawnRanks(pane, start.page).sorted(), "\(pane): s visits every drawn column")
        }
    }

    func testNodePagePanesSortToo() {
        var state = UIState()
        state.pages = [PageEntry(page: .view(.nodes)), PageEntry(page: .node(name: "iad-1"))]
        XCTAssertEqual(SortColumns.columns(.nodeProviders).first, "chain")
        XCTAssertEqual(SortColumns.columns(.nodeErrors).first, "time")
        state = Reducer.reduce(state, .nextSortColumn, healthy).0
        XCTAssertEqual(state.statusMessage, "sorted by provider")
        let names = Rows.nodeProviders(state, healthy, node: "iad-1").map(\.providerName)
        XCTAssertEqual(names, names.sorted { $0.localizedStandardCompare($1) == .orderedAscending })
    }
}
