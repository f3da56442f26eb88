import LassoCore
import XCTest
@testable import LassoTUI

/// Keys → actions → state, as pure transitions, for every entry of the keymap table.
final class KeyHandlingTests: XCTestCase {
    let healthy = Fixtures.snapshot(.healthy)

    /// A state in which `context` is the active one.
    func state(for context: KeyContext) -> (UIState, ClusterSnapshot) {
        var snapshot = healthy
        var state = UIState()
        switch context {
        case .global, .navigation: break
        case .feed: state.pages = [PageEntry(page: .view(.feed))]
        case .demo:
            snapshot.isDemo = true
            state.pages = [PageEntry(page: .view(.demo))]
        case .filter:
            state.filterEditing = true
            state.filterText = "eth"
        case .command:
            state.commandEditing = true
            state.commandText = "prov"
            state.commandHistory = ["node iad-1"]
        case .help: state.helpShown = true
        case .replay: state.replayMode = true
        case .travel: break
        }
        return (state, snapshot)
    }

    func testEveryBindingIsReachableInItsContext() {
        for binding in Keymap.entries {
            let (state, snapshot) = state(for: binding.context)
            for key in binding.keys {
                let pressed: Key = key == .printable ? .char("x") : key
                let expected: Action = key == .printable ? binding.action.typing("x") : binding.action
                XCTAssertEqual(Keymap.action(for: pressed, state: state, isDemo: snapshot.isDemo), expected,
                               "\(key.label) in \(binding.context)")
            }
        }
    }

    func testNoKeyIsBoundTwiceInOneContext() {
        for context in KeyContext.allCases {
            var seen: [Key: String] = [:]
            for binding in Keymap.entries where binding.context == context {
                for key in binding.keys {
                    XCTAssertNil(seen[key], "\(key.label) bound twice in \(context): \(seen[key] ?? "") / \(binding.description)")
                    seen[key] = binding.description
                }
            }
        }
    }

    func testTypingAFilterDoesNotTriggerGlobalKeys() {
        let (state, snapshot) = state(for: .filter)
        XCTAssertEqual(Keymap.action(for: .char("q"), state: state, isDemo: false), .filterInput("q"))
        XCTAssertEqual(Keymap.action(for: .char("/"), state: state, isDemo: false), .filterInput("/"))
        XCTAssertEqual(Keymap.action(for: .escape, state: state, isDemo: snapshot.isDemo), .filterCancel)
    }

    func testDemoKeysDoNothingOutsideTheDemo() {
        var state = UIState()
        state.pages = [PageEntry(page: .view(.demo))]
        XCTAssertNil(Keymap.action(for: .char("x"), state: state, isDemo: false))
        XCTAssertEqual(Keymap.action(for: .char("x"), state: state, isDemo: true), .injectFault(mode: .error500))
    }

    /// Each keymap entry's action, applied in its context, does what its description says.
    func testEveryBindingChangesStateAsDescribed() {
        for binding in Keymap.entries {
            var (before, snapshot) = state(for: binding.context)
            var action = binding.action
            if case .filterInput = action { action = .filterInput("r") }
            if case .commandInput = action { action = .commandInput("r") }
            // Put the cursor somewhere movement can be seen in both directions.
            if [.moveUp, .moveTop, .pageUp].contains(action) { before.selection[.providers] = 2; before.scroll[.help] = 5 }
            if action == .moveDown || action == .pageDown { before.selection[.providers] = 0 }
            if action == .travelForward { before.travelBackMs = 120_000 }
            let (after, effects) = Reducer.reduce(before, action, snapshot)
            let what = "\(binding.keys.map(\.label)) \(binding.description)"
            switch action {
            case .quit:
                XCTAssertEqual(effects, [.quit], what)
            case .toggleHelp:
                XCTAssertEqual(after.helpShown, !before.helpShown, what)
            case .moveUp, .moveDown, .moveTop, .moveBottom, .pageUp, .pageDown:
                if before.helpShown {
                    XCTAssertNotEqual(after.scroll[.help] ?? 0, before.scroll[.help] ?? 0, what)
                } else {
                    let expected: Int
                    switch action {
                    case .moveUp: expected = 1
                    case .moveDown: expected = 1
                    case .moveTop: expected = 0
                    case .moveBottom, .pageDown: expected = 2   // three ethereum providers
                    default: expected = 0                       // pageUp from 2
                    }
                    XCTAssertEqual(after.selected(.providers), expected, what)
                }
            case .focusNext:
                XCTAssertEqual(after.focusedPane, .feed, what)
            case .focusPrevious:
                XCTAssertEqual(after.focusedPane, .nodes, what)
            case .nextView:
                XCTAssertEqual(after.page, .view(.nodes), what)
            case .previousView:
                // The Demo view is skipped without the embedded demo cluster.
                XCTAssertEqual(after.page, .view(snapshot.isDemo ? .demo : .alerts), what)
            case .showView(let view):
                if view == .demo && !snapshot.isDemo {
                    XCTAssertEqual(after.pages, before.pages, what)
                    XCTAssertEqual(after.statusMessage, "no demo cluster here (lassotop with no node configured starts one)", what)
                } else {
                    XCTAssertEqual(after.pages, [PageEntry(page: .view(view))], what)
                }
            case .drillIn:
                XCTAssertEqual(after.page, .provider(chain: "ethereum", id: "alchemy"), what)
            case .back:
                var deep = before
                deep.pages.append(PageEntry(page: .node(name: "iad-1")))
                XCTAssertEqual(Reducer.reduce(deep, .back, snapshot).0.pages, before.pages, what)
            case .startFilter:
                XCTAssertTrue(after.filterEditing, what)
            case .filterInput:
                XCTAssertEqual(after.filterText, before.filterText + "r", what)
            case .filterBackspace:
                XCTAssertEqual(after.filterText, String(before.filterText.dropLast()), what)
            case .filterApply:
                XCTAssertFalse(after.filterEditing, what)
                XCTAssertEqual(after.filterText, before.filterText, what)
            case .filterCancel:
                XCTAssertFalse(after.filterEditing, what)
                XCTAssertEqual(after.filterText, "", what)
            case .startCommand:
                XCTAssertTrue(after.commandEditing, what)
                XCTAssertEqual(after.commandText, "", what)
            case .commandInput:
                XCTAssertEqual(after.commandText, before.commandText + "r", what)
            case .commandBackspace:
                XCTAssertEqual(after.commandText, String(before.commandText.dropLast()), what)
            case .commandComplete:
                XCTAssertEqual(after.commandText, "provider ", what)
            case .commandHistoryPrevious:
                XCTAssertEqual(after.commandText, "node iad-1", what)
            case .commandHistoryNext:
                XCTAssertEqual(after.commandText, "", what)
            case .commandRun:
                XCTAssertFalse(after.commandEditing, what)
                XCTAssertEqual(after.commandHistory, ["node iad-1", "prov"], what)
                XCTAssertEqual(after.statusMessage, "unknown command :prov (Tab completes, :help lists commands)", what)
            case .commandCancel:
                XCTAssertFalse(after.commandEditing, what)
                XCTAssertEqual(after.commandText, "", what)
            case .nextSortColumn:
                XCTAssertEqual(after.sortSpec(.providers), SortSpec(column: 1, reversed: false), what)
            case .reverseSort:
                XCTAssertEqual(after.sortSpec(.providers), SortSpec(column: 0, reversed: true), what)
            case .nextChain:
                XCTAssertEqual(after.chainIndex, 1, what)
            case .togglePause:
                XCTAssertTrue(after.paused, what)
                XCTAssertEqual(after.frozenFeed, snapshot.feed, what)
            case .toggleFollow:
                XCTAssertEqual(after.follow, !before.follow, what)
            case .refreshNow:
                XCTAssertEqual(effects, [.refreshNow], what)
            case .intervalUp:
                XCTAssertEqual(effects, [.changeInterval(byMs: 500)], what)
            case .intervalDown:
                XCTAssertEqual(effects, [.changeInterval(byMs: -500)], what)
            case .nextTheme:
                XCTAssertEqual(effects, [.nextTheme], what)
            case .export:
                XCTAssertEqual(effects, [.export(ExportRequest(page: before.page, pane: before.focusedPane))], what)
            case .redraw:
                XCTAssertEqual(effects, [.redraw], what)
            case .injectFault(let mode):
                // Demo panel, first row in name order.
                XCTAssertEqual(effects, [.injectFault(node: "fra-1", mode: mode)], what)
            case .replay(let control):
                // The player lives in the backend: the key only asks for it.
                XCTAssertEqual(effects, [.replay(control)], what)
                XCTAssertEqual(after, before, what)
            case .travelBack:
                XCTAssertEqual(after.travelBackMs, 60_000, what)
            case .travelForward:
                XCTAssertEqual(after.travelBackMs, 60_000, what)
            case .resize, .select:
                XCTFail("resize and mouse selection are not key bindings")
            }
        }
    }

    // MARK: behaviour in more detail

    func testHelpScrollsAndClosesWithEscOrQuestionMark() {
        var state = UIState()
        state.screenHeight = 24
        state = Reducer.reduce(state, .toggleHelp, healthy).0
        XCTAssertEqual(state.focusedPane, .help)
        state = Reducer.reduce(state, .moveDown, healthy).0
        state = Reducer.reduce(state, .moveDown, healthy).0
        XCTAssertEqual(state.scroll[.help], 2)
        XCTAssertEqual(Keymap.action(for: .escape, state: state, isDemo: false), .toggleHelp)
        XCTAssertFalse(Reducer.reduce(state, .toggleHelp, healthy).0.helpShown)
    }

    func testSelectionClampsAtBothEnds() {
        var state = UIState()
        state = Reducer.reduce(state, .moveUp, healthy).0
        XCTAssertEqual(state.selected(.providers), 0)
        for _ in 0..<10 { state = Reducer.reduce(state, .moveDown, healthy).0 }
        XCTAssertEqual(state.selected(.providers), 2)
    }

    func testEnterOnNodeProviderAndFeedRows() {
        var state = UIState()
        state = Reducer.reduce(state, .focusPrevious, healthy).0   // nodes pane
        XCTAssertEqual(state.focusedPane, .nodes)
        state = Reducer.reduce(state, .moveDown, healthy).0        // sorted by name: fra-1, iad-1, sin-1
        state = Reducer.reduce(state, .drillIn, healthy).0
        XCTAssertEqual(state.page, .node(name: "iad-1"))
        XCTAssertEqual(state.focusedPane, .nodeProviders)
        state = Reducer.reduce(state, .drillIn, healthy).0        // first provider of iad-1
        XCTAssertEqual(state.page, .provider(chain: "ethereum", id: "alchemy"))
        XCTAssertEqual(state.pages.count, 3)
        state = Reducer.reduce(state, .back, healthy).0
        state = Reducer.reduce(state, .back, healthy).0
        XCTAssertEqual(state.page, .view(.overview))
        XCTAssertEqual(state.focusedPane, .nodes, "focus is restored when coming back")

        // Feed: follow keeps the newest (a cluster event without provider) selected; one up is the circuit event.
        var feed = UIState()
        feed.pages = [PageEntry(page: .view(.feed))]
        feed = Reducer.reduce(feed, .moveUp, healthy).0
        XCTAssertFalse(feed.follow)
        feed = Reducer.reduce(feed, .drillIn, healthy).0
        XCTAssertEqual(feed.page, .provider(chain: "ethereum", id: "infura"))
    }

    func testMethodRowsExpandAndCollapse() {
        var state = UIState()
        state.pages.append(PageEntry(page: .provider(chain: "ethereum", id: "alchemy")))
        state = Reducer.reduce(state, .focusNext, healthy).0
        XCTAssertEqual(state.focusedPane, .providerMethods)
        state = Reducer.reduce(state, .drillIn, healthy).0
        XCTAssertEqual(state.expandedMethods, ["eth_call@http"])
        state = Reducer.reduce(state, .drillIn, healthy).0
        XCTAssertEqual(state.expandedMethods, [])
    }

    func testSortingChangesRowOrder() {
        var state = UIState()
        XCTAssertEqual(Rows.providers(state, healthy).map(\.id), ["alchemy", "infura", "llamarpc"])
        state = Reducer.reduce(state, .nextSortColumn, healthy).0   // calls
        state = Reducer.reduce(state, .nextSortColumn, healthy).0   // calls/s
        state = Reducer.reduce(state, .nextSortColumn, healthy).0   // latency, ascending
        XCTAssertEqual(state.statusMessage, "sorted by latency")
        XCTAssertEqual(Rows.providers(state, healthy).map(\.id), ["alchemy", "infura", "llamarpc"])
        state = Reducer.reduce(state, .reverseSort, healthy).0
        XCTAssertEqual(Rows.providers(state, healthy).map(\.id), ["llamarpc", "infura", "alchemy"])
        state.focusedPaneForTest(.nodes)
        state = Reducer.reduce(state, .nextSortColumn, healthy).0   // nodes by state
        XCTAssertEqual(state.sortSpec(.nodes).column, 1)
    }

    func testFilterNarrowsTheFeedAndNegationExcludes() {
        var state = UIState()
        let all = Rows.feed(state, healthy).count
        for character in "infura" { state = Reducer.reduce(state, .filterInput(character), healthy).0 }
        let infura = Rows.feed(state, healthy)
        XCTAssertTrue(infura.allSatisfy { $0.providerID == "infura" })
        XCTAssertGreaterThan(infura.count, 0)
        state.filterText = "!infura"
        let others = Rows.feed(state, healthy)
        XCTAssertEqual(others.count + infura.count, all)
        XCTAssertFalse(others.contains { $0.providerID == "infura" })
        state = Reducer.reduce(state, .back, healthy).0
        XCTAssertEqual(state.filterText, "", "Esc at the top clears the filter")
    }

    func testPauseFreezesTheFeedAndCountsNewEvents() {
        var state = Reducer.reduce(UIState(), .togglePause, healthy).0
        var later = healthy
        later.feed.append(FeedEvent(ts: Fixtures.nowMs + 1, sourceNodeID: "iad-1", method: "eth_call", providerID: "alchemy", result: "success"))
        later.feedStats.unique += 5
        XCTAssertEqual(Rows.feed(state, later), healthy.feed, "paused view does not move")
        XCTAssertEqual(state.newEventsSincePause(later), 5)
        state = Reducer.reduce(state, .togglePause, later).0
        XCTAssertEqual(Rows.feed(state, later).count, healthy.feed.count + 1)
        XCTAssertEqual(state.newEventsSincePause(later), 0)
    }

    func testFaultKeysTargetTheNodePageNode() {
        var demo = healthy
        demo.isDemo = true
        var state = UIState()
        state.pages.append(PageEntry(page: .node(name: "sin-1")))
        XCTAssertEqual(Keymap.action(for: .char("d"), state: state, isDemo: true), .injectFault(mode: .down))
        XCTAssertEqual(Reducer.reduce(state, .injectFault(mode: .down), demo).1, [.injectFault(node: "sin-1", mode: .down)])
        XCTAssertEqual(Reducer.reduce(state, .injectFault(mode: .down), healthy).1, [], "never against a real cluster")
    }

    func testChainSelectionWrapsAndSurvivesShrinkingSnapshots() {
        var state = UIState()
        state = Reducer.reduce(state, .nextChain, healthy).0
        state = Reducer.reduce(state, .nextChain, healthy).0
        XCTAssertEqual(state.chainIndex, 0)
        state.chainIndex = 7
        XCTAssertEqual(Rows.chain(state, healthy)?.chain, "base", "an out-of-range index clamps to the last chain")
    }
}

extension UIState {
    mutating func focusedPaneForTest(_ pane: Pane) {
        pages[pages.count - 1].focus = pane
    }
}
