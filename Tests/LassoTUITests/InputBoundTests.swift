import LassoCore
import XCTest
@testable import LassoTUI

/// A paste into the `/` prompt arrives key by key and each key re-filters the pane; a 10 KB paste once froze the UI
/// for minutes. The filter and command texts stop at `UIState.maxInputLength`.
final class InputBoundTests: XCTestCase {
    func testPastedFilterAndCommandStopAtTheCap() {
        let snapshot = Fixtures.snapshot(.healthy)
        var state = Fixtures.state()
        (state, _) = Reducer.reduce(state, .startFilter, snapshot)
        XCTAssertTrue(state.filterEditing)
        let started = ContinuousClock.now
        for character in String(repeating: "pasted ", count: 1_500) {
            (state, _) = Reducer.reduce(state, .filterInput(character), snapshot)
        }
        XCTAssertEqual(state.filterText.count, UIState.maxInputLength)
        XCTAssertTrue(state.filterText.hasPrefix("pasted pasted"))
        // Backspace still edits the capped text.
        (state, _) = Reducer.reduce(state, .filterBackspace, snapshot)
        XCTAssertEqual(state.filterText.count, UIState.maxInputLength - 1)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(10), "10,500 keys filtered in time")

        (state, _) = Reducer.reduce(state, .filterApply, snapshot)
        (state, _) = Reducer.reduce(state, .startCommand, snapshot)
        for character in String(repeating: "x", count: 5_000) {
            (state, _) = Reducer.reduce(state, .commandInput(character), snapshot)
        }
        XCTAssertEqual(state.commandText.count, UIState.maxInputLength)
    }
}
