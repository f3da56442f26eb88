import LassoCore
import XCTest
@testable import LassoTUI

/// The typed column definitions (Sources/LassoTUI/Table/): layout by width policy, sort cycles and export fields.
final class TableColumnTests: XCTestCase {
    func testFixedColumnsKeepTheirWidthAndTheFlexibleOneTakesTheRest() {
        let columns = [LayoutColumn(width: .fixed(5), priority: 0), LayoutColumn(width: .flexible(min: 4), priority: 0),
                       LayoutColumn(width: .fixed(3), priority: 0)]
        let layout = TableLayout.layout(columns, width: 30)
        XCTAssertEqual(layout.map(\.index), [0, 1, 2])
        XCTAssertEqual(layout.map(\.width), [5, 30 - 5 - 3 - 2, 3])
    }

    func testSpareWidthIsSharedByShareAndCappedAtMax() {
        let columns = [LayoutColumn(width: .flexible(min: 2, max: 6, share: 1), priority: 0),
                       LayoutColumn(width: .flexible(min: 2, share: 3), priority: 0)]
        // 21 cells: 2 + 2 + 1 separator = 5 used, 16 spare; shares 1:3 would give 4 and 12, but the first stops at 6.
        let layout = TableLayout.layout(columns, width: 21)
        XCTAssertEqual(layout.map(\.width), [6, 14])
        XCTAssertEqual(layout.map(\.width).reduce(0, +) + 1, 21)
    }

    func testNarrowTablesDropTheHighestPriorityNumberFirst() {
        let columns = [LayoutColumn(width: .fixed(10), priority: 0), LayoutColumn(width: .fixed(10), priority: 5),
                       LayoutColumn(width: .fixed(10), priority: 1)]
        XCTAssertEqual(TableLayout.layout(columns, width: 21).map(\.index), [0, 2])
        XCTAssertEqual(TableLayout.layout(columns, width: 10).map(\.index), [0])
    }

    func testProvidersTableSwitchesToItsWideWidthsAbove130Cells() {
        let table = ProviderColumns.table
        XCTAssertEqual(table.drawnColumns(tableWidth: 130).first?.width, .flexible(min: 14))
        XCTAssertEqual(table.drawnColumns(tableWidth: 131).first?.width, .flexible(min: 14, share: 0))
        XCTAssertEqual(table.width(of: "history", tableWidth: 118), 15)
        XCTAssertGreaterThan(table.width(of: "history", tableWidth: 198), 15)
    }

    func testSortCyclesAreTheDocumentedOrders() {
        XCTAssertEqual(SortColumns.columns(.providers), ["score", "calls", "calls/s", "latency", "success", "p95", "name", "nodes"])
        XCTAssertEqual(SortColumns.columns(.nodes), ["name", "state", "poll", "uptime", "url", "region", "version", "view", "ok", "failed",
                                                     "flaps", "error", "success", "p50", "p95", "history"])
        XCTAssertEqual(SortColumns.columns(.opsNodes), SortColumns.columns(.nodes))
        XCTAssertEqual(SortColumns.columns(.providerNodes), ["node", "calls", "latency", "success", "p95", "calls/s", "p50", "p99", "score"])
        XCTAssertEqual(SortColumns.columns(.providerMethods), ["calls", "method", "p95", "success", "latency", "p50", "p90", "p99", "worst node"])
        XCTAssertEqual(SortColumns.columns(.alerts), ["level", "age", "rule", "state", "subject", "value", "threshold", "explanation"])
        XCTAssertEqual(SortColumns.columns(.feed), [])
    }

    func testEverySortRankIsUsedOnce() {
        func ranks<Row>(_ table: TableDefinition<Row>) -> [Int] { table.columns.compactMap(\.sort?.rank).sorted() }
        for list in [ranks(ProviderColumns.table), ranks(NodeColumns.all), ranks(ProviderNodeColumns.table), ranks(MethodColumns.table),
                     ranks(AlertColumns.table)] {
            XCTAssertEqual(list, Array(0..<list.count))
        }
    }

    func testCSVHeadersComeFromTheColumnsInColumnOrder() {
        XCTAssertEqual(ProviderColumns.table.exportHeader,
                       ["chain", "provider_id", "provider", "calls", "calls_per_s", "avg_latency_ms", "success_rate", "score", "p95_worst_ms",
                        "p95_worst_node", "nodes_reporting", "cold_start"])
        XCTAssertEqual(NodeColumns.all.exportHeader,
                       ["node", "url", "region", "state", "poll_ms", "version", "uptime_s", "view_responding", "view_connected", "poll_ok",
                        "poll_failed", "flaps", "last_error"])
        XCTAssertEqual(FeedColumns.table.exportHeader,
                       ["ts_ms", "kind", "node", "chain", "method", "provider", "duration_ms", "result", "failovers", "from", "to", "message",
                        "request_id"])
        XCTAssertEqual(AlertColumns.table.exportHeader,
                       ["level", "state", "rule", "subject", "value", "threshold", "started_at_ms", "explanation"])
    }

    func testProvidersCSVRowFollowsTheHeader() throws {
        let snapshot = Fixtures.snapshot(.healthy)
        let chain = try XCTUnwrap(snapshot.chains.first)
        let provider = try XCTUnwrap(chain.providers.first)
        let csv = Exporter.providersCSV(chain: chain.chain, [provider])
        let lines = csv.split(separator: "\r\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        let fields = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        XCTAssertEqual(fields.count, header.count)
        let row = Dictionary(uniqueKeysWithValues: zip(header, fields))
        XCTAssertEqual(row["chain"], chain.chain)
        XCTAssertEqual(row["provider_id"], provider.id)
        XCTAssertEqual(row["calls"], String(provider.totalCalls))
        XCTAssertEqual(row["cold_start"], provider.coldStart ? "true" : "false")
    }

    func testTheDemoPanelSortsButDoesNotMarkItsHeader() {
        XCTAssertFalse(NodeColumns.demo.sortMarkers)
        XCTAssertTrue(NodeColumns.ops.sortMarkers)
        // The ops table's LAST is the poll column under another title: it carries the poll sort.
        XCTAssertEqual(NodeColumns.ops.columns.first { $0.title == "LAST" }?.sort?.name, "poll")
    }
}

/// Footer and banner key names come from `Keymap.entries`.
final class KeyHintTests: XCTestCase {
    func testHintsAreTheFirstKeyOfTheBinding() {
        XCTAssertEqual(Keymap.hint(.toggleHelp), "?")
        XCTAssertEqual(Keymap.hint(.togglePause), "Space")
        XCTAssertEqual(Keymap.hint(.back), "Esc")
        XCTAssertEqual(Keymap.hint(.filterApply, in: .filter), "Enter")
        XCTAssertEqual(Keymap.hint(.injectFault(mode: .down)), "d")
    }

    func testEveryFooterHintNamesABoundKey() {
        let healthy = Fixtures.snapshot(.healthy)
        var state = UIState()
        for page in [Page.view(.overview), .view(.feed), .view(.demo), .view(.ops), .node(name: "iad-1")] {
            state.pages = [PageEntry(page: page)]
            let v = ViewContext(state: state, snapshot: healthy, caps: RenderCaps(), nowMs: Fixtures.nowMs, runtime: RuntimeInfo())
            for hint in FooterBar.hints(v) {
                XCTAssertFalse(hint.keys.isEmpty, "\(page) \(hint.label)")
                // `Keymap.hint` answers "?" for an action without a binding; only the help hint may show it.
                if hint.label != "help" { XCTAssertFalse(hint.keys.contains("?"), "\(page) \(hint.label) has no binding") }
            }
        }
    }

    func testChangingABindingChangesTheFooter() {
        // The footer's "quit" hint is the first key bound to .quit; the table says q.
        let quit = Keymap.binding(for: .quit)
        XCTAssertEqual(quit?.keys.first, .char("q"))
        let v = ViewContext(state: UIState(), snapshot: Fixtures.snapshot(.healthy), caps: RenderCaps(), nowMs: 0, runtime: RuntimeInfo())
        XCTAssertEqual(FooterBar.hints(v).first { $0.label == "quit" }?.keys, quit?.keys.first?.label)
    }
}
