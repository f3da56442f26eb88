import Foundation
import XCTest

/// End-to-end navigation (docs/tui.md "Filters, commands and the mouse"): `/` in the Nodes view, `:provider`, mouse
/// clicks sent as xterm mouse reports through tmux, and a theme choice that survives a restart.
final class NavigationE2ETests: XCTestCase {
    override func setUp() async throws {
        guard TmuxSession.tmuxAvailable else { throw XCTSkip("tmux is not installed (make test installs it)") }
        guard FileManager.default.isExecutableFile(atPath: TmuxSession.binary) else {
            throw XCTSkip("build the binary first: swift build (make test does)")
        }
    }

    func start(_ arguments: String = "", environment: [String: String] = [:]) throws -> TmuxSession {
        try TmuxSession(width: 120, height: 40, command: "\(TmuxSession.binary) \(arguments)", environment: environment)
    }

    func quit(_ tmux: TmuxSession) throws {
        try tmux.sendKeys("q")
        try tmux.waitFor(text: "EXIT=0")
    }

    /// The lines of the table in the first box whose title contains `title`.
    func rows(in screen: String, box title: String) -> [String] {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let top = lines.firstIndex(where: { $0.contains(title) }) else { return [] }
        return Array(lines[(top + 2)...].prefix { !$0.hasPrefix("└") }).filter { !$0.trimmingCharacters(in: CharacterSet(charactersIn: "│ ")).isEmpty }
    }

    func testSlashInTheNodesViewNarrowsTheRowsAndEscClears() throws {
        let tmux = try start()
        try tmux.waitFor(text: "Coverage: 3/3")
        try tmux.sendKeys("2")
        try tmux.waitFor(text: "POLL OK")
        try tmux.send(text: "/sin")
        try tmux.sendKeys("Enter")
        // The whole condition in one wait: a capture can land while a frame is being drawn.
        try tmux.waitFor("only sin-1 under /sin (1 of 3)") { screen in
            let shown = self.rows(in: screen, box: "Nodes 3/3")
            return screen.contains("/sin (1 of 3)") && shown.count == 1 && shown[0].contains("sin-1")
        }
        try tmux.sendKeys("Escape")
        let all = try tmux.waitFor("all three nodes back") { !$0.contains("/sin") && $0.contains("iad-1") && $0.contains("fra-1") }
        XCTAssertEqual(rows(in: all, box: "Nodes 3/3").count, 3, all)
        try quit(tmux)
    }

    func testColonProviderOpensTheProviderAndUnknownCommandsSaySo() throws {
        let tmux = try start()
        try tmux.waitFor(text: "Coverage: 3/3")
        // The demo cluster's ethereum providers; wait until the table has them.
        let overview = try tmux.waitFor("providers listed") { $0.contains("Providers · ethereum") && $0.contains("│›") }
        XCTAssertFalse(overview.contains("Per node"))
        try tmux.send(text: ":frob")
        try tmux.sendKeys("Enter")
        try tmux.waitFor(text: "unknown command :frob")
        // Tab completes the command name.
        try tmux.send(text: ":prov")
        try tmux.sendKeys("Tab")
        try tmux.waitFor(text: ":provider ")
        guard let provider = Self.firstProviderID(overview) else { return XCTFail("no provider row:\n\(overview)") }
        try tmux.send(text: provider)
        try tmux.sendKeys("Enter")
        try tmux.waitFor("the provider drill-down under Overview › Provider") {
            $0.contains("Per node") && $0.contains("Overview › Provider")
        }
        try quit(tmux)
    }

    /// The selected provider's display name from the overview (the row marked ›).
    static func firstProviderID(_ screen: String) -> String? {
        let lines = screen.split(separator: "\n")
        guard let title = lines.firstIndex(where: { $0.contains("Providers ·") }),
              let line = lines[title...].first(where: { $0.contains("│›") }) else { return nil }
        return line.dropFirst(2).split(separator: " ").first.map(String.init)
    }

    /// An xterm (X10) mouse report: button byte, then column and row, each + 32, 1-based.
    static func mouseReport(button: Int, x: Int, y: Int) -> String {
        String(decoding: [0x1B, 0x5B, 0x4D, UInt8(32 + button), UInt8(32 + x + 1), UInt8(32 + y + 1)], as: UTF8.self)
    }

    func click(_ tmux: TmuxSession, x: Int, y: Int, double: Bool = false) throws {
        let press = Self.mouseReport(button: 0, x: x, y: y), release = Self.mouseReport(button: 3, x: x, y: y)
        try tmux.send(text: double ? press + release + press + release : press + release)
    }

    func position(of text: String, in screen: String) -> (x: Int, y: Int)? {
        for (y, line) in screen.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let range = line.range(of: text) { return (line.distance(from: line.startIndex, to: range.lowerBound), y) }
        }
        return nil
    }

    func testMouseClickOnATabAndDoubleClickOnARow() throws {
        let tmux = try start()
        let first = try tmux.waitFor(text: "Coverage: 3/3")
        guard let tab = position(of: "5 Alerts", in: first) else { return XCTFail(first) }
        try click(tmux, x: tab.x + 2, y: tab.y)
        try tmux.waitFor(text: "Alerts ·")
        try tmux.sendKeys("2")
        let nodes = try tmux.waitFor(text: "POLL OK")
        guard let row = position(of: "sin-1", in: nodes) else { return XCTFail(nodes) }
        try click(tmux, x: row.x, y: row.y, double: true)
        try tmux.waitFor("sin-1's node view with its health") { $0.contains("Node sin-1") && $0.contains("Health") }
        try quit(tmux)
    }

    func testNoMouseLeavesClicksAlone() throws {
        let tmux = try start("--no-mouse")
        let first = try tmux.waitFor(text: "Coverage: 3/3")
        guard let tab = position(of: "5 Alerts", in: first) else { return XCTFail(first) }
        try click(tmux, x: tab.x + 2, y: tab.y)
        // Keys are handled in order: once the command's answer shows, the click has been read (as keys, since
        // mouse reporting is off) and must not have opened the Alerts view.
        try tmux.send(text: ":frob")
        try tmux.sendKeys("Enter")
        let after = try tmux.waitFor("the answer to :frob over the providers table") {
            $0.contains("unknown command :frob") && $0.contains("Providers ·")
        }
        XCTAssertFalse(after.contains("Alerts ·"), after)
        try quit(tmux)
    }

    func testThemeChosenWithColonThemeSurvivesARestart() throws {
        let state = NSTemporaryDirectory() + "lassotop-e2e-theme-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        let environment = ["XDG_STATE_HOME": state]
        let first = try start(environment: environment)
        try first.waitFor(text: "Coverage: 3/3")
        try first.send(text: ":theme light")
        try first.sendKeys("Enter")
        try first.waitFor(text: "theme: light")
        try quit(first)
        XCTAssertEqual(try String(contentsOfFile: state + "/lassotop/theme", encoding: .utf8), "light\n")
        first.kill()

        // After the restart `t` moves on from light (the next name in the list), not from default-dark.
        let second = try start(environment: environment)
        try second.waitFor(text: "Coverage: 3/3")
        try second.sendKeys("t")
        let screen = try second.waitFor(text: "theme: ")
        let status = screen.split(separator: "\n").last { $0.contains("theme: ") }.map(String.init) ?? ""
        XCTAssertTrue(status.contains("theme: monochrome"), "t after a remembered light theme: \(status)")
        try quit(second)
    }

    /// The completion scripts call back into the binary for theme and cluster names (Sources/lassotop/Completions.swift).
    func testShellCompletionOffersThemesAndTheConfigFilesClusters() throws {
        let config = NSTemporaryDirectory() + "lassotop-e2e-completion-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: config) }
        try FileManager.default.createDirectory(atPath: config + "/lassotop", withIntermediateDirectories: true)
        try "[clusters.prod]\nnodes = [\"http://127.0.0.1:1\"]\n[clusters.staging]\nnodes = [\"http://127.0.0.1:2\"]\n"
            .write(toFile: config + "/lassotop/config.toml", atomically: true, encoding: .utf8)
        let clusters = try TmuxSession.run(["env", "XDG_CONFIG_HOME=\(config)", TmuxSession.binary, "---completion", "top", "--", "--cluster", "2", "0"])
        XCTAssertEqual(clusters.output.split(separator: "\n"), ["prod", "staging"], clusters.output)
        let themes = try TmuxSession.run(["env", "XDG_CONFIG_HOME=\(config)", TmuxSession.binary, "---completion", "top", "--", "--theme", "2", "0"])
        XCTAssertTrue(themes.output.split(separator: "\n").contains("light"), themes.output)
        let script = try TmuxSession.run([TmuxSession.binary, "--generate-completion-script", "bash"])
        XCTAssertTrue(script.output.contains("---completion top -- --cluster"), "bash script asks lassotop for cluster names")
    }

    /// `lassotop --help` shows the dashboard's flags (it is the default command); usage errors point to the help of
    /// the subcommand that was run.
    func testHelpShowsDashboardFlagsAndUsageErrorsPointToTheirSubcommand() throws {
        let help = try TmuxSession.run([TmuxSession.binary, "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.output.contains("DASHBOARD OPTIONS:") && help.output.contains("--no-mouse") && help.output.contains("--theme"),
                      help.output)
        XCTAssertNil(help.output.range(of: #"\(default \d+\)\. \(default: \d+\)"#, options: .regularExpression), "a default printed twice")
        let snapshot = try TmuxSession.run([TmuxSession.binary, "snapshot", "--bogus"])
        XCTAssertEqual(snapshot.status, 64)
        XCTAssertTrue(snapshot.output.contains("(see lassotop help snapshot)"), snapshot.output)
        let root = try TmuxSession.run([TmuxSession.binary, "--bogus"])
        XCTAssertTrue(root.output.contains("(see lassotop --help)"), root.output)
    }

    func testUnknownClusterNamesTheConfigFileItRead() throws {
        let config = NSTemporaryDirectory() + "lassotop-e2e-cluster-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: config) }
        let missing = try TmuxSession.run(["env", "XDG_CONFIG_HOME=\(config)", TmuxSession.binary, "snapshot", "--cluster", "prod"])
        XCTAssertEqual(missing.status, 64)
        XCTAssertTrue(missing.output.contains("no config file at \(config)/lassotop/config.toml"), missing.output)
        try FileManager.default.createDirectory(atPath: config + "/lassotop", withIntermediateDirectories: true)
        try "[clusters.staging]\nnodes = [\"http://127.0.0.1:1\"]\n".write(toFile: config + "/lassotop/config.toml", atomically: true, encoding: .utf8)
        let unknown = try TmuxSession.run(["env", "XDG_CONFIG_HOME=\(config)", TmuxSession.binary, "snapshot", "--cluster", "prod"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.output.contains("unknown cluster 'prod' in \(config)/lassotop/config.toml (it has: staging)"), unknown.output)
    }
}
