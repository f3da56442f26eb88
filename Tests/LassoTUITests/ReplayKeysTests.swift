import LassoCore
import XCTest
@testable import LassoTUI

/// The replay keys: bound only in replay mode, where they win over Space (feed pause), ←/→ (panes) and g/G
/// (first/last row); the alternatives h/l and Home/End keep working. docs/replay.md, "Keys".
final class ReplayKeysTests: XCTestCase {
    let healthy = Fixtures.snapshot(.healthy)

    func replayState() -> UIState {
        var state = UIState()
        state.replayMode = true
        return state
    }

    func testReplayKeysInReplayMode() {
        let expected: [(Key, ReplayControl)] = [
            (.char(" "), .togglePause), (.left, .stepBack), (.right, .stepForward), (.char("<"), .slower),
            (.char(">"), .faster), (.char("["), .jumpBack), (.char("]"), .jumpForward), (.char("g"), .start), (.char("G"), .end),
        ]
        for view in [Page.view(.overview), .view(.feed), .view(.nodes), .provider(chain: "ethereum", id: "alchemy")] {
            var state = replayState()
            state.pages = [PageEntry(page: view)]
            for (key, control) in expected {
                XCTAssertEqual(Keymap.action(for: key, state: state, isDemo: false), .replay(control), "\(key.label) on \(view)")
            }
        }
    }

    func testLiveKeysUnchangedOutsideReplay() {
        let state = UIState()
        XCTAssertEqual(Keymap.action(for: .char(" "), state: state, isDemo: false), .togglePause)
        XCTAssertEqual(Keymap.action(for: .left, state: state, isDemo: false), .focusPrevious)
        XCTAssertEqual(Keymap.action(for: .right, state: state, isDemo: false), .focusNext)
        XCTAssertEqual(Keymap.action(for: .char("g"), state: state, isDemo: false), .moveTop)
        XCTAssertEqual(Keymap.action(for: .char("G"), state: state, isDemo: false), .moveBottom)
        for key: Key in [.char("<"), .char(">"), .char("["), .char("]")] {
            if case .replay? = Keymap.action(for: key, state: state, isDemo: false) { XCTFail("\(key.label) is a replay key outside replay") }
        }
    }

    func testAlternativesKeepWorkingInReplay() {
        let state = replayState()
        XCTAssertEqual(Keymap.action(for: .char("h"), state: state, isDemo: false), .focusPrevious)
        XCTAssertEqual(Keymap.action(for: .char("l"), state: state, isDemo: false), .focusNext)
        XCTAssertEqual(Keymap.action(for: .home, state: state, isDemo: false), .moveTop)
        XCTAssertEqual(Keymap.action(for: .end, state: state, isDemo: false), .moveBottom)
        XCTAssertEqual(Keymap.action(for: .enter, state: state, isDemo: false), .drillIn)
        XCTAssertEqual(Keymap.action(for: .char("/"), state: state, isDemo: false), .startFilter)
        XCTAssertEqual(Keymap.action(for: .char("e"), state: state, isDemo: false), .export)
        XCTAssertEqual(Keymap.action(for: .char("q"), state: state, isDemo: false), .quit)
    }

    func testTypingAndHelpWinOverReplayKeys() {
        var typing = replayState()
        typing.filterEditing = true
        XCTAssertEqual(Keymap.action(for: .char("g"), state: typing, isDemo: false), .filterInput("g"))
        XCTAssertEqual(Keymap.action(for: .char(" "), state: typing, isDemo: false), .filterInput(" "))
        var help = replayState()
        help.helpShown = true
        XCTAssertNil(Keymap.action(for: .char(" "), state: help, isDemo: false))
        XCTAssertEqual(Keymap.action(for: .escape, state: help, isDemo: false), .toggleHelp)
    }

    func testAReplayedDemoInjectsNoFault() {
        var state = replayState()
        state.pages = [PageEntry(page: .view(.demo))]
        XCTAssertNil(Keymap.action(for: .char("x"), state: state, isDemo: true))
        XCTAssertNil(Keymap.action(for: .char("d"), state: state, isDemo: true))
    }

    func testReplayActionsAskTheBackendAndLeaveTheUIState() {
        var state = replayState()
        state.pages = [PageEntry(page: .view(.feed))]
        state.selection[.feed] = 3
        for control: ReplayControl in [.togglePause, .stepBack, .stepForward, .slower, .faster, .jumpBack, .jumpForward, .start, .end] {
            let (after, effects) = Reducer.reduce(state, .replay(control), healthy)
            XCTAssertEqual(effects, [.replay(control)])
            XCTAssertEqual(after, state)
            XCTAssertFalse(after.paused, "the feed's own pause stays off: the player pauses everything")
        }
    }

    func testHelpAndDocsListTheReplayGroup() {
        let lines = HelpContent.lines()
        XCTAssertTrue(lines.contains { $0.isHeading && $0.keys.hasPrefix("Replay") })
        XCTAssertTrue(lines.contains { $0.keys == "<" && $0.text.contains("¼×") })
        XCTAssertTrue(Keymap.markdown().contains("| `[` | One minute back |"))
    }
}
