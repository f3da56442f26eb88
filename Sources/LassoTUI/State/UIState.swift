import LassoCore

/// One page of the k9s-style page stack.
public enum Page: Equatable, Sendable, Hashable {
    case view(TopView)
    case provider(chain: String, id: String)
    case node(name: String)

    /// The selectable panes of this page, in focus order (←/→ move between them).
    public var panes: [Pane] {
        switch self {
        case .view(.overview): return [.nodes, .providers, .feed]
        case .view(.nodes): return [.nodes]
        case .view(.feed): return [.feed]
        case .view(.ops): return [.opsNodes]
        case .view(.alerts): return [.alerts]
        case .view(.demo): return [.demoNodes]
        case .provider: return [.providerNodes, .providerMethods, .providerEvents]
        case .node: return [.nodeProviders, .nodeErrors]
        }
    }

    /// Overview starts on providers: the pane people drill into most.
    public var defaultPane: Pane {
        self == .view(.overview) ? .providers : panes[0]
    }
}

public struct PageEntry: Equatable, Sendable {
    public var page: Page
    public var focus: Pane
    public init(page: Page, focus: Pane? = nil) {
        self.page = page
        self.focus = focus ?? page.defaultPane
    }
}

/// The whole UI state as one value: reduce(state, action, snapshot) → state, and render(state, snapshot) → frame.
public struct UIState: Equatable, Sendable {
    /// Page stack; the first entry is a top-level view, later ones are drill-downs (breadcrumb).
    public var pages: [PageEntry] = [PageEntry(page: .view(.overview))]
    public var selection: [Pane: Int] = [:]
    public var sort: [Pane: SortSpec] = [:]
    public var scroll: [Pane: Int] = [:]
    public var chainIndex: Int = 0
    /// Longest `/` filter or `:` command text kept; a 10 KB paste once froze the UI for minutes.
    public static let maxInputLength = 256
    /// Filter text per pane (`/`; the feed's is a `FeedFilter`, the tables' a `TableFilter`, same syntax).
    public var filters: [Pane: String] = [:]
    /// The pane the filter being typed (or last typed) applies to.
    public var filterPane: Pane = .feed
    public var filterEditing: Bool = false
    /// The filter of `filterPane` (`!` prefix negates); applied while typing.
    public var filterText: String {
        get { filters[filterPane] ?? "" }
        set { filters[filterPane] = newValue.isEmpty ? nil : newValue }
    }
    public func filter(_ pane: Pane) -> String { filters[pane] ?? "" }
    public var paused: Bool = false
    /// `lassotop replay`: the replay keys apply (KeyDispatch) and the timeline bar is drawn.
    public var replayMode: Bool = false
    /// Live time travel: how far back the shown snapshot is asked to be (0 = live). The run loop picks the snapshot
    /// from what it holds in memory and clamps this to what it has.
    public var travelBackMs: Int64 = 0
    public static let travelStepMs: Int64 = 60_000
    public static let travelLimitMs: Int64 = 15 * 60_000
    /// The feed as it was when paused (the paused view must not move), and the unique-event counter at that moment.
    public var frozenFeed: [FeedEvent] = []
    public var pausedAtUniqueCount: Int = 0
    /// Follow: keep the newest event selected (tail -f); moving up leaves follow mode.
    public var follow: Bool = true
    public var helpShown: Bool = false
    /// `:` command mode: the line being typed, earlier commands (oldest first), where ↑/↓ is in them, and what
    /// Tab found when several values fit.
    public var commandEditing: Bool = false
    public var commandText: String = ""
    public var commandHistory: [String] = []
    public var commandHistoryIndex: Int?
    public var commandHint: String?
    /// Theme names `:theme` completes (the run loop fills it from the theme loader).
    public var themeNames: [String] = []
    /// Methods expanded to per-node rows in provider detail.
    public var expandedMethods: Set<String> = []
    public var themeName: String = "default-dark"
    public var statusMessage: String?
    /// Last known terminal size (PgUp/PgDn step and layout).
    public var screenWidth: Int = 80
    public var screenHeight: Int = 24

    public init(themeName: String = "default-dark") {
        self.themeName = themeName
    }

    public var page: Page { pages[pages.count - 1].page }
    public var focusedPane: Pane { helpShown ? .help : pages[pages.count - 1].focus }
    public var topView: TopView {
        if case .view(let view) = pages[0].page { return view }
        return .overview
    }

    public func selected(_ pane: Pane) -> Int { selection[pane] ?? 0 }
    public func sortSpec(_ pane: Pane) -> SortSpec { sort[pane] ?? SortSpec() }

    /// New events since the feed was paused: the snapshot's unique-event counter keeps counting while we do not.
    public func newEventsSincePause(_ snapshot: ClusterSnapshot) -> Int {
        paused ? max(0, snapshot.feedStats.unique - pausedAtUniqueCount) : 0
    }

    /// Rows a page-up/page-down moves: roughly one screen of a full-height table.
    public var pageStep: Int { max(1, screenHeight - 8) }
}

/// What the run loop must do outside the pure reducer.
public enum Effect: Equatable, Sendable {
    case quit
    case refreshNow
    case changeInterval(byMs: Int64)
    case nextTheme
    case setTheme(String)
    case export(ExportRequest)
    case injectFault(node: String, mode: DemoFault)
    case redraw
    case replay(ReplayControl)
}

/// Which view to export (the serializer is pure: `Exporter.document`).
public struct ExportRequest: Equatable, Sendable {
    public var page: Page
    public var pane: Pane
    public init(page: Page, pane: Pane) {
        self.page = page
        self.pane = pane
    }
}
