import Foundation
import LassoCore

/// A key as the UI sees it (the backend maps ncurses codes to these).
public enum Key: Hashable, Sendable {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case tab, backTab, enter, escape, backspace
    case resize
    /// Any printable character (only bound while typing a filter).
    case printable
    /// A mouse press or wheel step at a cell (not in the keymap: `MouseInput` maps it by what is drawn there).
    case mouse(MouseEvent)

    public var label: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "Ctrl-" + String(c).uppercased()
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .resize: return "(resize)"
        case .printable: return "text"
        case .mouse: return "mouse"
        }
    }
}

/// A mouse event at a cell (0-based).
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case click, doubleClick, wheelUp, wheelDown
    }
    public var x: Int
    public var y: Int
    public var kind: Kind
    public init(x: Int, y: Int, kind: Kind) {
        self.x = x
        self.y = y
        self.kind = kind
    }
}

/// Where a binding applies. Lookup order: filter (while typing) → help (while shown) → replay (`lassotop replay` only)
/// → demo → feed → navigation → global.
public enum KeyContext: String, CaseIterable, Sendable {
    case global, navigation, feed, demo, replay, travel, filter, command, help

    public var title: String {
        switch self {
        case .global: return "Global"
        case .navigation: return "Tables and lists"
        case .feed: return "Feed"
        case .demo: return "Demo fault injection (embedded demo cluster only)"
        case .replay: return "Replay (lassotop replay FILE only; these win over the same keys above)"
        case .travel: return "Time travel (live dashboard: the last 15 minutes, held in memory)"
        case .filter: return "While typing a filter"
        case .command: return "While typing a : command"
        case .help: return "Help overlay"
        }
    }
}

public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var action: Action
    public var description: String
    public var context: KeyContext
    public init(_ keys: [Key], _ action: Action, _ description: String, _ context: KeyContext) {
        self.keys = keys
        self.action = action
        self.description = description
        self.context = context
    }
}

/// The one keymap table. It drives key handling, the `?` overlay and docs/keys.md.
public enum Keymap {
    public static let faultModes: [(key: Character, mode: DemoFault, label: String)] = [
        ("d", .down, "node down (connection refused)"),
        ("w", .slow, "slow responses"),
        ("b", .garbage, "garbage bodies"),
        ("x", .error500, "HTTP 500 errors"),
        ("r", .restart, "restart (counters reset)"),
        ("p", .partition, "partition (cluster view split)"),
        ("o", .ok, "back to normal"),
    ]

    public static let entries: [KeyBinding] = {
        var list: [KeyBinding] = [
            KeyBinding([.char("q"), .ctrl("c")], .quit, "Quit (Ctrl-C exits with status 130)", .global),
            KeyBinding([.char("?")], .toggleHelp, "Show or hide this help", .global),
            KeyBinding([.tab], .nextView, "Next view", .global),
            KeyBinding([.backTab], .previousView, "Previous view", .global),
        ]
        for view in TopView.allCases {
            list.append(KeyBinding([.char(Character(String(view.rawValue)))], .showView(view), "Show the \(view.title) view", .global))
        }
        list += [
            KeyBinding([.char("D")], .showView(.demo), "Show the Demo fault-injection panel", .global),
            KeyBinding([.escape, .backspace], .back, "Back to the previous page (at the top: clear the filters)", .global),
            KeyBinding([.char("/")], .startFilter, "Filter the focused table (words, column:text, error, !negate)", .global),
            KeyBinding([.char(":")], .startCommand, "Command mode (commands below; Tab completes, ↑/↓ history)", .global),
            KeyBinding([.char(" ")], .togglePause, "Pause or resume the feed", .global),
            KeyBinding([.char("c")], .nextChain, "Next chain", .global),
            KeyBinding([.ctrl("r")], .refreshNow, "Refresh now", .global),
            KeyBinding([.char("+"), .char("=")], .intervalUp, "Poll interval +500 ms", .global),
            KeyBinding([.char("-")], .intervalDown, "Poll interval −500 ms", .global),
            KeyBinding([.char("t")], .nextTheme, "Next theme", .global),
            KeyBinding([.char("e")], .export, "Export the current view (CSV or JSON file)", .global),
            KeyBinding([.ctrl("l")], .redraw, "Redraw the screen", .global),

            KeyBinding([.up, .char("k")], .moveUp, "Move up", .navigation),
            KeyBinding([.down, .char("j")], .moveDown, "Move down", .navigation),
            KeyBinding([.char("g"), .home], .moveTop, "First row", .navigation),
            KeyBinding([.char("G"), .end], .moveBottom, "Last row", .navigation),
            KeyBinding([.pageUp], .pageUp, "Page up", .navigation),
            KeyBinding([.pageDown], .pageDown, "Page down", .navigation),
            KeyBinding([.right, .char("l")], .focusNext, "Next pane", .navigation),
            KeyBinding([.left, .char("h")], .focusPrevious, "Previous pane", .navigation),
            KeyBinding([.enter], .drillIn, "Open the selected row (method rows: expand per node)", .navigation),
            KeyBinding([.char("s")], .nextSortColumn, "Sort by the next column", .navigation),
            KeyBinding([.char("S")], .reverseSort, "Reverse the sort order", .navigation),

            KeyBinding([.char("f")], .toggleFollow, "Follow the newest event on or off", .feed),

            KeyBinding([.printable], .filterInput(" "), "Type the filter (applies as you type)", .filter),
            KeyBinding([.backspace], .filterBackspace, "Delete the last character", .filter),
            KeyBinding([.enter], .filterApply, "Keep the filter and stop typing", .filter),
            KeyBinding([.escape], .filterCancel, "Clear the filter and stop typing", .filter),

            KeyBinding([.printable], .commandInput(" "), "Type the command", .command),
            KeyBinding([.tab], .commandComplete, "Complete the command or its argument", .command),
            KeyBinding([.up], .commandHistoryPrevious, "Previous command from history", .command),
            KeyBinding([.down], .commandHistoryNext, "Next command from history", .command),
            KeyBinding([.backspace], .commandBackspace, "Delete the last character", .command),
            KeyBinding([.enter], .commandRun, "Run the command", .command),
            KeyBinding([.escape], .commandCancel, "Cancel", .command),

            // Replay mode: Space, ←/→ and g/G mean the player; the feed's pause, panes and first/last row keep
            // h/l and Home/End (docs/replay.md, "Keys").
            KeyBinding([.char(" ")], .replay(.togglePause), "Pause or play the recording", .replay),
            KeyBinding([.left], .replay(.stepBack), "One recorded snapshot back (pauses)", .replay),
            KeyBinding([.right], .replay(.stepForward), "One recorded snapshot forward (pauses)", .replay),
            KeyBinding([.char("<")], .replay(.slower), "Slower (down to ¼×)", .replay),
            KeyBinding([.char(">")], .replay(.faster), "Faster (up to 64×)", .replay),
            KeyBinding([.char("[")], .replay(.jumpBack), "One minute back", .replay),
            KeyBinding([.char("]")], .replay(.jumpForward), "One minute forward", .replay),
            KeyBinding([.char("g")], .replay(.start), "To the start of the recording", .replay),
            KeyBinding([.char("G")], .replay(.end), "To the end of the recording", .replay),

            KeyBinding([.char("[")], .travelBack, "One minute back in time (header: -1m…)", .travel),
            KeyBinding([.char("]")], .travelForward, "One minute forward in time (back to LIVE at the end)", .travel),
            KeyBinding([.escape], .back, "Back to live (then as usual: previous page, clear filters)", .travel),

            KeyBinding([.char("?"), .escape, .char("q")], .toggleHelp, "Close help", .help),
            KeyBinding([.up, .char("k")], .moveUp, "Scroll up", .help),
            KeyBinding([.down, .char("j")], .moveDown, "Scroll down", .help),
            KeyBinding([.pageUp], .pageUp, "Page up", .help),
            KeyBinding([.pageDown], .pageDown, "Page down", .help),
        ]
        for fault in faultModes {
            list.append(KeyBinding([.char(fault.key)], .injectFault(mode: fault.mode), "Selected node: \(fault.label)", .demo))
        }
        return list
    }()

    /// The first binding of `action` (in `context`, when given).
    public static func binding(for action: Action, in context: KeyContext? = nil) -> KeyBinding? {
        entries.first { $0.action == action && (context == nil || $0.context == context) }
    }

    /// The key a footer or banner names for an action: the first key of its first binding, e.g. "?" for help.
    /// The footer and banners take key names from here, so they follow the table.
    public static func hint(_ action: Action, in context: KeyContext? = nil) -> String {
        binding(for: action, in: context)?.keys.first?.label ?? "?"
    }

    /// Human-readable keys of one binding, e.g. "↑ / k".
    public static func keyLabel(_ binding: KeyBinding) -> String {
        binding.keys.map(\.label).joined(separator: " / ")
    }

    /// What the mouse does (`MouseInput`), for the `?` overlay and the docs.
    public static let mouse: [(gesture: String, effect: String)] = [
        ("click", "On a view tab: show it; on a row: select it (its pane gets the focus)"),
        ("double-click", "Open the row (as Enter)"),
        ("wheel", "Move the cursor of the pane under the pointer"),
        ("Shift + drag", "Select text (the terminal's own; off entirely with --no-mouse or mouse = false)"),
    ]

    /// docs/keys.md, generated from `entries` (a test keeps the committed file equal to this).
    public static func markdown() -> String {
        var out = "# lassotop keys\n\n"
        out += "Generated from `Keymap.entries` in `Sources/LassoTUI/Keys/Keymap.swift`; the same table drives key handling\n"
        out += "and the `?` help overlay. Regenerate with `LASSOTOP_REGEN_DOCS=1 swift test --filter KeymapDocsTests`.\n"
        for context in KeyContext.allCases {
            let bindings = entries.filter { $0.context == context }
            guard !bindings.isEmpty else { continue }
            out += "\n## \(context.title)\n\n| Key | Action |\n|---|---|\n"
            for binding in bindings {
                let keys = binding.keys.map { "`" + ($0.label == "`" ? "` ` `" : $0.label) + "`" }.joined(separator: " ")
                out += "| \(keys.replacingOccurrences(of: "|", with: "\\|")) | \(binding.description) |\n"
            }
        }
        out += "\n## Commands (`:`)\n\n| Command | Action |\n|---|---|\n"
        for command in Commands.entries {
            let names = ([command.usage] + command.aliases).map { "`:" + $0.replacingOccurrences(of: "|", with: "\\|") + "`" }
            out += "| \(names.joined(separator: " ")) | \(command.description) |\n"
        }
        out += "\n## Mouse\n\n| Mouse | Action |\n|---|---|\n"
        for item in mouse { out += "| \(item.gesture) | \(item.effect) |\n" }
        return out
    }
}
