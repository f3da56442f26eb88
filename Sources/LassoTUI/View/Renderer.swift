import LassoCore

/// render(state, snapshot, size, caps, now) → frame. Pure: everything it shows comes from its arguments.
public enum Renderer {
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    /// `memo`: the run loop's panel memo (`PanelMemo`), so panels whose inputs did not change are copied from the
    /// last frame; the frame is the same with or without it.
    public static func render(state: UIState, snapshot: ClusterSnapshot, size: GridSize, caps: RenderCaps, nowMs: Int64,
                              runtime: RuntimeInfo = RuntimeInfo(), memo: PanelMemo? = nil) -> CellGrid {
        var p = Painter(size: size, caps: caps)
        if size.width < minimumWidth || size.height < minimumHeight {
            drawTooSmall(&p, size)
        } else {
            var v = ViewContext(state: state, snapshot: snapshot, caps: caps, nowMs: nowMs, runtime: runtime)
            v.memo = memo
            v.draw(&p, size)
        }
        if caps.monochrome { applyMonochrome(&p.grid) }
        return p.grid
    }

    static func drawTooSmall(_ p: inout Painter, _ size: GridSize) {
        let lines = ["terminal too small: need \(minimumWidth)×\(minimumHeight)", "have \(size.width)×\(size.height) — enlarge the window or press q"]
        let top = max(0, size.height / 2 - 1)
        for (i, line) in lines.enumerated() {
            let width = CellWidth.of(line)
            p.text(line, x: max(0, (size.width - width) / 2), y: top + i, role: i == 0 ? .alertWarning : .textDim, clean: false)
        }
    }

    /// Without colour, state still has to show: attributes by role (htop's monochrome scheme).
    static func monochromeAttributes(_ role: StyleRole) -> TextAttributes {
        switch role {
        case .title, .borderFocus, .statusDegraded, .feedError, .alertWarning: return [.bold]
        case .tableHeader: return [.underline]
        case .tableSelected: return [.reverse]
        case .statusOffline, .alertCritical, .banner: return [.bold, .reverse]
        case .textDim: return [.dim]
        default: return []
        }
    }

    static func applyMonochrome(_ grid: inout CellGrid) {
        for y in 0..<grid.height {
            var x = 0
            while x < grid.width {
                let cell = grid[x, y]
                let extra = monochromeAttributes(cell.role)
                if !extra.isEmpty { grid.restyle(x: x, y: y, width: 1, adding: extra) }
                x += 1
            }
        }
    }
}

/// What every screen draws from, plus the frame layout: header, navigation, the page's screen, footer, help.
/// Each screen lives in Screens/ (one file each); shared pieces (panels, header, footer, chart) in Widgets/.
struct ViewContext {
    let state: UIState
    let snapshot: ClusterSnapshot
    let caps: RenderCaps
    let nowMs: Int64
    let runtime: RuntimeInfo
    /// Panels drawn in the last frame, reused when their inputs are the same (nil: draw everything).
    var memo: PanelMemo?

    var dash: String { caps.unicode ? "—" : "-" }
    var ascii: Bool { !caps.unicode }

    /// The environment table cells are drawn with.
    var cellEnv: CellEnv {
        var env = CellEnv(caps: caps, nowMs: nowMs)
        env.snapshot = snapshot   // node rows compare each node's own view with the coverage
        return env
    }

    /// "·" separators become "-" without Unicode.
    func plain(_ text: String) -> String { caps.unicode ? text : text.replacingOccurrences(of: "·", with: "-") }

    func draw(_ p: inout Painter, _ size: GridSize) {
        HeaderBar.draw(&p, width: size.width, self)
        NavigationBar.draw(&p, width: size.width, self)
        // Replay: the timeline bar takes the line above the footer.
        let timeline = runtime.replay == nil ? 0 : 1
        let body = Rect(x: 0, y: 2, width: size.width, height: size.height - 3 - timeline)
        switch state.page {
        case .view(.overview): OverviewScreen.draw(&p, body, self)
        case .view(.nodes): NodesScreen.draw(&p, body, self)
        case .view(.feed): FeedScreen.draw(&p, body, self)
        case .view(.ops): OpsScreen.draw(&p, body, self)
        case .view(.alerts): AlertsScreen.draw(&p, body, self)
        case .view(.demo): DemoScreen.draw(&p, body, self)
        case .provider(let chain, let id): ProviderScreen.draw(&p, body, self, chain: chain, id: id)
        case .node(let name): NodeScreen.draw(&p, body, self, name: name)
        }
        if let replay = runtime.replay { ReplayBar.draw(&p, y: size.height - 2, width: size.width, replay, self) }
        FooterBar.draw(&p, y: size.height - 1, width: size.width, self)
        if state.helpShown { HelpScreen.draw(&p, size, self) }
    }
}
