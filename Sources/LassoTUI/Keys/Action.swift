// Keys/ sits below State/: the keymap, its actions and the help text derived from it know nothing of UIState;
// State/KeyDispatch.swift picks the binding for a key in a given state.

import LassoCore

/// Top-level views, reachable with the number keys and Tab/Shift-Tab.
public enum TopView: Int, CaseIterable, Sendable, Hashable {
    case overview = 1, nodes, feed, ops, alerts, demo

    public var title: String {
        switch self {
        case .overview: return "Overview"
        case .nodes: return "Nodes"
        case .feed: return "Feed"
        case .ops: return "Ops"
        case .alerts: return "Alerts"
        case .demo: return "Demo"
        }
    }
}

/// A selectable table or list. Selection, sort and scroll are kept per pane (the
/// state lives in State/; mouse actions name a pane).
public enum Pane: String, CaseIterable, Sendable, Hashable {
    case nodes, providers, feed
    case providerNodes, providerMethods, providerEvents
    case nodeProviders, nodeErrors
    case opsNodes, alerts, demoNodes
    case help
}

/// What the replay keys ask of the player (`lassotop replay FILE`).
public enum ReplayControl: Equatable, Sendable, Hashable {
    case togglePause, stepBack, stepForward, slower, faster, jumpBack, jumpForward, start, end
}

/// What a key asks for. Pure: the reducer turns it into a new state plus effects.
public enum Action: Equatable, Sendable, Hashable {
    case quit
    case toggleHelp
    case moveUp, moveDown, moveTop, moveBottom, pageUp, pageDown
    case focusNext, focusPrevious
    case nextView, previousView
    case showView(TopView)
    case drillIn
    case back
    case startFilter
    case filterInput(Character)
    case filterBackspace
    case filterApply
    case filterCancel
    case startCommand
    case commandInput(Character)
    case commandBackspace
    case commandComplete
    case commandHistoryPrevious, commandHistoryNext
    case commandRun
    case commandCancel
    case nextSortColumn
    case reverseSort
    case nextChain
    case togglePause
    case toggleFollow
    case refreshNow
    case intervalUp, intervalDown
    case nextTheme
    case export
    case redraw
    case injectFault(mode: DemoFault)
    case resize(width: Int, height: Int)
    /// Mouse: focus `pane` and put the cursor on its `row`-th selectable row.
    case select(pane: Pane, row: Int)
    /// `lassotop replay`: move the player (the backend's playhead; the UI state is untouched).
    case replay(ReplayControl)
    /// Live time travel over the snapshots held in memory: one step back or forward (`UIState.travelBackMs`).
    case travelBack, travelForward

    /// A binding on "any printable character" stands for this action with the character typed.
    public func typing(_ character: Character) -> Action {
        switch self {
        case .commandInput: return .commandInput(character)
        default: return .filterInput(character)
        }
    }
}
