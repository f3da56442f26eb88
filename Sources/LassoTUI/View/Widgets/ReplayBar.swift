import LassoCore

/// Where the replay player stands (`lassotop replay`), for the REPLAY mark and the timeline bar.
public struct ReplayStatus: Equatable, Sendable {
    public var positionMs: Int64
    public var startMs: Int64
    public var endMs: Int64
    public var speed: Double
    public var paused: Bool
    /// Damage met while decoding (playback stays on the last good snapshot); shown instead of the key hints.
    public var problem: String?
    public init(positionMs: Int64, startMs: Int64, endMs: Int64, speed: Double, paused: Bool, problem: String? = nil) {
        self.positionMs = positionMs
        self.startMs = startMs
        self.endMs = endMs
        self.speed = speed
        self.paused = paused
        self.problem = problem
    }
}

/// The line above the footer in replay mode:
/// `▶ 4×  +1:05 / 5:00  ━━━━━●──────  Space play/pause · ←→ step · <> speed · [] ±1m · g G start/end`.
enum ReplayBar {
    /// `0.25` → `¼×`, `4` → `4×` (ASCII: `1/4x`, `4x`).
    static func speed(_ value: Double, unicode: Bool) -> String {
        let times = unicode ? "×" : "x"
        switch value {
        case 0.25: return (unicode ? "¼" : "1/4") + times
        case 0.5: return (unicode ? "½" : "1/2") + times
        default: return String(Int(value)) + times
        }
    }

    /// A span as `m:ss`, or `h:mm:ss` from an hour.
    static func span(_ ms: Int64) -> String {
        let seconds = Int(max(0, ms) / 1000)
        let h = seconds / 3600, m = (seconds % 3600) / 60, s = seconds % 60
        return h > 0 ? "\(h):\(Format.twoDigits(m)):\(Format.twoDigits(s))" : "\(m):\(Format.twoDigits(s))"
    }

    static func hints() -> String {
        func key(_ control: ReplayControl) -> String { Keymap.hint(.replay(control), in: .replay) }
        return "\(key(.togglePause)) play/pause · \(key(.stepBack))\(key(.stepForward)) step · \(key(.slower))\(key(.faster)) speed · "
            + "\(key(.jumpBack))\(key(.jumpForward)) ±1m · \(key(.start)) \(key(.end)) start/end"
    }

    static func draw(_ p: inout Painter, y: Int, width: Int, _ status: ReplayStatus, _ v: ViewContext) {
        let unicode = v.caps.unicode
        let state = status.paused ? (unicode ? "❚❚ paused" : "|| paused") : (unicode ? "▶ playing" : "> playing")
        var x = p.text(state, x: 0, y: y, role: status.paused ? .alertWarning : .statusHealthy, attributes: [.bold], clean: false)
        x += p.text(" " + speed(status.speed, unicode: unicode), x: x, y: y, role: .title, attributes: [.bold], clean: false)
        let length = max(0, status.endMs - status.startMs)
        let position = min(max(0, status.positionMs - status.startMs), length)
        x += p.text("  +\(span(position)) / \(span(length))  ", x: x, y: y, role: .text, clean: false)
        var right = hints()
        if let problem = status.problem { right = Sanitizer.clean(problem) }
        if !unicode { right = right.replacingOccurrences(of: "·", with: "-").replacingOccurrences(of: "±", with: "+-") }
        // The bar gets what is left, at least 10 cells; the hints give way first.
        var rightWidth = CellWidth.of(right)
        if width - x - rightWidth - 2 < 10 { rightWidth = 0 }
        let barWidth = max(0, width - x - (rightWidth > 0 ? rightWidth + 2 : 0))
        if barWidth > 0 {
            let head = length == 0 ? barWidth - 1 : Int((Double(position) / Double(length) * Double(barWidth - 1)).rounded())
            let done = String(repeating: unicode ? "━" : "=", count: head)
            let rest = String(repeating: unicode ? "─" : "-", count: max(0, barWidth - head - 1))
            var bx = x + p.text(done, x: x, y: y, role: .title, clean: false)
            bx += p.text(unicode ? "●" : "O", x: bx, y: y, role: .title, attributes: [.bold], clean: false)
            p.text(rest, x: bx, y: y, role: .textDim, clean: false)
        }
        if rightWidth > 0 {
            p.text(right, x: width - rightWidth, y: y, role: status.problem == nil ? .textDim : .alertWarning, clean: false)
        }
    }
}
