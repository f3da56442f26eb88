import LassoCore
import XCTest
@testable import LassoTUI

/// `/` in every table pane (Rows + TableFilter), in the feed filter's syntax, shown in the pane title.
final class TableFilterTests: XCTestCase {
    let partial = Fixtures.snapshot(.partial)

    func press(_ keys: String, _ state: UIState, _ snapshot: ClusterSnapshot) -> UIState {
        var s = state
        for character in keys {
            let key: Key = character == "\n" ? .enter : (character == "\u{1B}" ? .escape : .char(character))
            guard let action = Keymap.action(for: key, state: s, isDemo: snapshot.isDemo) else { continue }
            s = Reducer.reduce(s, action, snapshot).0
        }
        return s
    }

    func nodesView() -> UIState {
        var state = UIState()
        state.pages = [PageEntry(page: .view(.nodes))]
        return state
    }

    func testSlashInTheNodesViewNarrowsRowsAndTitleSaysSo() {
        var state = press("/sin", nodesView(), partial)
        XCTAssertTrue(state.filterEditing)
        XCTAssertEqual(Rows.nodes(state, partial).map(\.name), ["sin-1"])
        state = press("\n", state, partial)
        XCTAssertFalse(state.filterEditing)
        XCTAssertEqual(state.filter(.nodes), "sin")
        XCTAssertEqual(state.filter(.feed), "", "the feed keeps its own filter")
        let text = Renderer.render(state: state, snapshot: partial, size: GridSize(width: 120, height: 40), caps: RenderCaps(),
                                   nowMs: Fixtures.nowMs, runtime: RuntimeInfo()).text
        XCTAssertTrue(text.contains("Nodes 2/3 · /sin (1 of 3)"), text)
        XCTAssertFalse(text.contains("iad-1"))
        state = press("\u{1B}", state, partial)
        XCTAssertEqual(state.filter(.nodes), "")
        XCTAssertEqual(Rows.nodes(state, partial).count, 3)
    }

    func testEscWhileTypingClearsTheFilter() {
        let state = press("/iad\u{1B}", nodesView(), partial)
        XCTAssertFalse(state.filterEditing)
        XCTAssertEqual(Rows.nodes(state, partial).count, 3)
    }

    func testColumnTermsNegationAndError() {
        var state = nodesView()
        state.filterPane = .nodes
        state.filterText = "state:down"
        XCTAssertEqual(Rows.nodes(state, partial).map(\.name), ["sin-1"])
        state.filterText = "!state:down"
        XCTAssertEqual(Set(Rows.nodes(state, partial).map(\.name)), ["iad-1", "fra-1"])
        state.filterText = "error"
        XCTAssertEqual(Rows.nodes(state, partial).map(\.name), ["sin-1"], "error keeps rows drawn as errors")
        state.filterText = "region:fra"
        XCTAssertEqual(Rows.nodes(state, partial).map(\.name), ["fra-1"])
        state.filterText = "nosuchcolumn:fra"
        XCTAssertEqual(Rows.nodes(state, partial), [])
    }

    func testEveryTablePaneFilters() {
        var alerts = UIState()
        alerts.pages = [PageEntry(page: .view(.alerts))]
        alerts = press("/node_down\n", alerts, partial)
        XCTAssertEqual(Rows.alerts(alerts, partial).map(\.rule), ["node_down"])

        var providers = UIState()   // Overview starts on the providers pane
        providers = press("/infura\n", providers, partial)
        XCTAssertEqual(Rows.providers(providers, partial).map(\.id), ["infura"])
        XCTAssertEqual(Rows.feed(providers, partial).count, partial.feed.count, "the feed is not filtered by the providers' filter")

        var ops = UIState()
        ops.pages = [PageEntry(page: .view(.ops))]
        ops = press("/fra\n", ops, partial)
        XCTAssertEqual(Rows.nodes(ops, partial, pane: .opsNodes).map(\.name), ["fra-1"])
        XCTAssertEqual(Rows.nodes(ops, partial, pane: .nodes).count, 3)

        var methods = UIState()
        methods.pages = [PageEntry(page: .view(.overview)), PageEntry(page: .provider(chain: "ethereum", id: "alchemy"), focus: .providerMethods)]
        methods = press("/getlogs\n", methods, partial)
        XCTAssertEqual(Rows.providerMethods(methods, partial, chain: "ethereum", id: "alchemy").map(\.method), ["eth_getLogs@http"])
    }

    func testCursorStaysOnTheSelectedItemWhileFiltering() {
        var state = nodesView()
        state.selection[.nodes] = Rows.nodes(state, partial).firstIndex { $0.name == "sin-1" }
        state = press("/1\n", state, partial)   // every node matches: sin-1 stays selected
        XCTAssertEqual(Rows.selectedID(.nodes, state, partial), "sin-1")
        state = press("/i\n", state, partial)   // "1i" matches nothing: the cursor goes to the top
        XCTAssertEqual(Rows.selectedID(.nodes, state, partial), nil)
    }
}

extension GoldenTests {
    func testFilteredNodesView() {
        var state = UIState()
        state.pages = [PageEntry(page: .view(.nodes))]
        state.filterPane = .nodes
        state.filterText = "!sin"
        assertGolden("nodes-filtered", state: state, snapshot: Fixtures.snapshot(.partial), size: GridSize(width: 120, height: 40))
    }
}
