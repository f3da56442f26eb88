import LassoCore
import XCTest
@testable import LassoTUI

/// Mouse events mapped by what the frame draws (View/MouseInput.swift), then reduced like keys.
final class MouseInputTests: XCTestCase {
    let healthy = Fixtures.snapshot(.healthy)
    let size = GridSize(width: 120, height: 40)

    func actions(_ kind: MouseEvent.Kind, x: Int, y: Int, _ state: UIState = UIState()) -> [Action] {
        MouseInput.actions(for: MouseEvent(x: x, y: y, kind: kind), state: state, snapshot: healthy, size: size, caps: RenderCaps(),
                           nowMs: Fixtures.nowMs)
    }

    func apply(_ actions: [Action], _ state: UIState) -> UIState {
        actions.reduce(state) { Reducer.reduce($0, $1, healthy).0 }
    }

    /// Where `text` is drawn in the 120×40 frame of `state`.
    func find(_ text: String, _ state: UIState = UIState()) -> (x: Int, y: Int) {
        let lines = Renderer.render(state: state, snapshot: healthy, size: size, caps: RenderCaps(), nowMs: Fixtures.nowMs).text
            .split(separator: "\n", omittingEmptySubsequences: false)
        for (y, line) in lines.enumerated() {
            if let range = line.range(of: text) { return (line.distance(from: line.startIndex, to: range.lowerBound), y) }
        }
        XCTFail("\(text) not on screen")
        return (0, 0)
    }

    func testClickOnATabShowsThatView() {
        let tab = find("5 Alerts")
        XCTAssertEqual(actions(.click, x: tab.x + 2, y: tab.y), [.showView(.alerts)])
    }

    func testClickSelectsARowAndDoubleClickOpensIt() {
        let row = find("sin-1 ")
        let click = actions(.click, x: row.x, y: row.y)
        let selected = apply(click, UIState())
        XCTAssertEqual(selected.focusedPane, .nodes)
        XCTAssertEqual(Rows.selectedID(.nodes, selected, healthy), "sin-1")
        let opened = apply(actions(.doubleClick, x: row.x, y: row.y), UIState())
        XCTAssertEqual(opened.page, .node(name: "sin-1"))
        let provider = find("Infura")
        XCTAssertEqual(apply(actions(.doubleClick, x: provider.x, y: provider.y), UIState()).page, .provider(chain: "ethereum", id: "infura"))
    }

    func testWheelMovesTheCursorOfThePaneUnderThePointer() {
        let feedRow = find("eth_getLogs")
        var state = apply(actions(.wheelUp, x: feedRow.x, y: feedRow.y), UIState())
        XCTAssertEqual(state.focusedPane, .feed)
        XCTAssertFalse(state.follow, "scrolling up leaves follow mode")
        let count = Rows.count(.feed, state, healthy)
        XCTAssertEqual(state.selected(.feed), count - 1 - MouseInput.wheelStep)
        state = apply(actions(.wheelDown, x: feedRow.x, y: feedRow.y, state), state)
        XCTAssertEqual(state.selected(.feed), count - 1)
    }

    func testClicksOutsideAnythingAndWhileTypingDoNothing() {
        XCTAssertEqual(actions(.click, x: 119, y: 0), [])
        var typing = UIState()
        typing.commandEditing = true
        XCTAssertEqual(actions(.click, x: 12, y: 1, typing), [])
        var help = UIState()
        help.helpShown = true
        XCTAssertEqual(actions(.click, x: 12, y: 1, help), [.toggleHelp])
    }
}
