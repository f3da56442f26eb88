import LassoCore
import XCTest
@testable import LassoTUI

/// `:` command mode: the command table (Keys/Commands.swift), completion, history and what each command does.
final class CommandModeTests: XCTestCase {
    let healthy = Fixtures.snapshot(.healthy)

    /// Types `text` after `:` and presses Enter (a "\t" in `text` presses Tab).
    func run(_ text: String, _ state: UIState = UIState(), enter: Bool = true) -> (UIState, [Effect]) {
        var s = Reducer.reduce(state, Keymap.action(for: .char(":"), state: state, isDemo: false)!, healthy).0
        var effects: [Effect] = []
        for character in text {
            let key: Key = character == "\t" ? .tab : .char(character)
            s = Reducer.reduce(s, Keymap.action(for: key, state: s, isDemo: false)!, healthy).0
        }
        if enter { (s, effects) = Reducer.reduce(s, Keymap.action(for: .enter, state: s, isDemo: false)!, healthy) }
        return (s, effects)
    }

    func testProviderByNameOrIDOpensItsPage() {
        XCTAssertEqual(run("provider Infura").0.page, .provider(chain: "ethereum", id: "infura"))
        XCTAssertEqual(run("provider llamarpc").0.page, .provider(chain: "ethereum", id: "llamarpc"))
        XCTAssertEqual(run("provider base-official").0.page, .provider(chain: "base", id: "base-official"), "any chain")
        let missing = run("provider nope").0
        XCTAssertEqual(missing.page, .view(.overview))
        XCTAssertEqual(missing.statusMessage, "no provider nope on any chain")
    }

    func testNodeChainSortFilterHelpQuit() {
        XCTAssertEqual(run("node sin-1").0.page, .node(name: "sin-1"))
        XCTAssertEqual(run("chain base").0.chainIndex, 1)
        let sorted = run("sort calls").0
        XCTAssertEqual(sorted.sortSpec(.providers), SortSpec(column: 1))
        XCTAssertEqual(run("sort calls", sorted).0.sortSpec(.providers), SortSpec(column: 1, reversed: true), "again: reversed")
        XCTAssertEqual(run("sort nosuch").0.statusMessage, "no column nosuch (columns: score calls calls/s latency success p95 name nodes)")
        XCTAssertEqual(run("filter alchemy").0.filter(.providers), "alchemy")
        XCTAssertTrue(run("help").0.helpShown)
        XCTAssertEqual(run("q").1, [.quit])
        XCTAssertEqual(run("quit").1, [.quit])
        XCTAssertEqual(run("export").1, [.export(ExportRequest(page: .view(.overview), pane: .providers))])
        var themed = UIState()
        themed.themeNames = ["default-dark", "light", "monochrome"]
        XCTAssertEqual(run("theme li", themed).1, [.setTheme("light")])
    }

    func testUnknownCommandSaysSoInTheStatusLine() {
        let (state, effects) = run("frobnicate now")
        XCTAssertEqual(effects, [])
        XCTAssertEqual(state.statusMessage, "unknown command :frobnicate (Tab completes, :help lists commands)")
        let text = Renderer.render(state: state, snapshot: healthy, size: GridSize(width: 120, height: 40), caps: RenderCaps(),
                                   nowMs: Fixtures.nowMs, runtime: RuntimeInfo()).text
        XCTAssertTrue(text.contains("unknown command :frobnicate"))
    }

    func testTabCompletesCommandsAndArguments() {
        XCTAssertEqual(run("pro\t", enter: false).0.commandText, "provider ")
        XCTAssertEqual(run("pro\tinf\t", enter: false).0.commandText, "provider infura")
        XCTAssertEqual(run("node s\t", enter: false).0.commandText, "node sin-1")
        let several = run("node \t", enter: false).0
        XCTAssertEqual(several.commandHint, "fra-1 iad-1 sin-1")
        XCTAssertEqual(run("ch\tb\t", enter: false).0.commandText, "chain base")
        XCTAssertEqual(run("s\t", enter: false).0.commandText, "sort ", "one command starts with s")
        // Opening with Tab-completed text works end to end.
        XCTAssertEqual(run("pro\tll\t").0.page, .provider(chain: "ethereum", id: "llamarpc"))
    }

    func testHistoryRecallsEarlierCommands() {
        var state = run("chain base").0
        state = run("node iad-1", state).0
        state.pages = [PageEntry(page: .view(.overview))]
        var s = Reducer.reduce(state, .startCommand, healthy).0
        s = Reducer.reduce(s, .commandHistoryPrevious, healthy).0
        XCTAssertEqual(s.commandText, "node iad-1")
        s = Reducer.reduce(s, .commandHistoryPrevious, healthy).0
        XCTAssertEqual(s.commandText, "chain base")
        s = Reducer.reduce(s, .commandHistoryPrevious, healthy).0
        XCTAssertEqual(s.commandText, "chain base", "stops at the oldest")
        s = Reducer.reduce(s, .commandHistoryNext, healthy).0
        XCTAssertEqual(s.commandText, "node iad-1")
        s = Reducer.reduce(s, .commandHistoryNext, healthy).0
        XCTAssertEqual(s.commandText, "")
    }

    func testHelpAndDocsListEveryCommand() {
        let help = HelpContent.lines().map(\.keys).joined(separator: "\n")
        let docs = Keymap.markdown()
        for command in Commands.entries {
            XCTAssertTrue(help.contains(":" + command.usage), command.name)
            XCTAssertTrue(docs.contains("`:" + command.usage.replacingOccurrences(of: "|", with: "\\|") + "`"), command.name)
        }
    }
}

extension GoldenTests {
    func testCommandLineInTheFooter() {
        var state = UIState()
        state.commandEditing = true
        state.commandText = "provider ll"
        assertGolden("command-typing", state: state, snapshot: Fixtures.snapshot(.healthy), size: GridSize(width: 80, height: 24))
    }
}
