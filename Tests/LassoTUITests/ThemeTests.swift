import Foundation
import XCTest
@testable import LassoTUI

final class ThemeTests: XCTestCase {
    let loader = ThemeLoader(searchDirectories: [], executablePath: nil)

    func testShippedThemesLoadAndDefineEveryRole() throws {
        let names = loader.availableNames()
        for required in ["default-dark", "light", "solarized-dark", "high-contrast", "monochrome"] {
            XCTAssertTrue(names.contains(required), required)
            let theme = try loader.load(required)
            XCTAssertEqual(theme.name, required)
            XCTAssertEqual(Set(theme.styles.keys), Set(StyleRole.allCases), "\(required) defines every role")
        }
        XCTAssertEqual(names.first, "default-dark")
    }

    func testBuiltInDefaultMatchesTheShippedFile() throws {
        let shipped = try loader.load("default-dark")
        let builtIn = try ThemeParser.parse(ThemeLoader.builtInDefault, file: "built-in")
        XCTAssertEqual(shipped.styles, builtIn.styles)
    }

    /// Contrast check: no role draws its text in its own background colour.
    func testNoThemeUsesTheSameForegroundAndBackground() throws {
        for name in loader.availableNames() {
            let theme = try loader.load(name)
            for (role, style) in theme.styles where style.background != .terminalDefault {
                XCTAssertNotEqual(style.foreground, style.background, "\(name) \(role.rawValue)")
            }
        }
    }

    func testMonochromeThemeStillMarksStateWithAttributes() throws {
        let mono = try loader.load("monochrome")
        XCTAssertTrue(mono.style(.tableSelected).attributes.contains(.reverse))
        XCTAssertTrue(mono.style(.statusOffline).attributes.contains(.bold))
        XCTAssertTrue(mono.styles.values.allSatisfy { $0.foreground == .terminalDefault && $0.background == .terminalDefault })
    }

    func testValueSyntaxes() throws {
        let theme = try ThemeParser.parse("""
        name = "mine"
        "status.healthy" = "#00ff00 on default bold underline"
        [table]
        selected = { fg = "black", bg = "color214", reverse = true }
        [feed]
        error = "bright-red"
        """, file: "mine.toml")
        XCTAssertEqual(theme.name, "mine")
        XCTAssertEqual(theme.style(.statusHealthy), RoleStyle(foreground: .rgb(0, 255, 0), background: .terminalDefault, attributes: [.bold, .underline]))
        XCTAssertEqual(theme.style(.tableSelected), RoleStyle(foreground: .palette(0), background: .palette(214), attributes: [.reverse]))
        XCTAssertEqual(theme.style(.feedError).foreground, .palette(9))
        XCTAssertEqual(theme.style(.sparkline), theme.style(.text), "unset roles look like text")
    }

    func testBadValueNamesTheLine() {
        let text = "name = \"x\"\n\"status.healthy\" = \"green\"\n\"status.offline\" = \"purpleish\"\n"
        XCTAssertThrowsError(try ThemeParser.parse(text, file: "bad.toml")) { error in
            let themeError = error as? ThemeError
            XCTAssertEqual(themeError?.line, 3)
            XCTAssertTrue("\(error)".contains("bad.toml, line 3"), "\(error)")
            XCTAssertTrue("\(error)".contains("purpleish"), "\(error)")
        }
    }

    func testUnknownRoleAndSyntaxErrorNameTheLine() {
        XCTAssertThrowsError(try ThemeParser.parse("text = \"red\"\n\n[status]\nhealthyy = \"green\"\n", file: "t.toml")) { error in
            XCTAssertEqual((error as? ThemeError)?.line, 4)
            XCTAssertTrue("\(error)".contains("unknown role 'status.healthyy'"), "\(error)")
        }
        XCTAssertThrowsError(try ThemeParser.parse("text = \"red\"\ntitle = = \"x\"\n", file: "t.toml")) { error in
            XCTAssertEqual((error as? ThemeError)?.line, 2, "\(error)")
        }
    }

    func testLoadByPathAndFromUserDirectoryFirst() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lassotop-themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "title = \"magenta\"\n".write(to: dir.appendingPathComponent("light.toml"), atomically: true, encoding: .utf8)
        try "title = \"red\"\n".write(to: dir.appendingPathComponent("mine.toml"), atomically: true, encoding: .utf8)
        let user = ThemeLoader(searchDirectories: [dir.path], executablePath: nil)
        XCTAssertEqual(try user.load("light").style(.title).foreground, .palette(5), "user directory wins over the shipped theme")
        XCTAssertTrue(user.availableNames().contains("mine"))
        XCTAssertEqual(try loader.load(dir.appendingPathComponent("mine.toml").path).style(.title).foreground, .palette(1))
        XCTAssertThrowsError(try loader.load("no-such-theme")) { error in
            XCTAssertTrue("\(error)".contains("available: default-dark"), "\(error)")
        }
    }

    func testColourDegradation() {
        let orange = ThemeColor.rgb(255, 135, 0)
        XCTAssertEqual(orange.cursesColor(.direct), 0xFF8700)
        XCTAssertEqual(orange.cursesColor(.palette256), 208, "xterm cube entry for #ff8700")
        XCTAssertEqual(orange.cursesColor(.ansi16), 3, "nearest of the 16 ANSI colours is yellow")
        XCTAssertEqual(orange.cursesColor(.monochrome), -1)
        XCTAssertEqual(ThemeColor.palette(200).cursesColor(.ansi8) < 8, true)
        XCTAssertEqual(ThemeColor.palette(2).cursesColor(.direct), 2, "ANSI names keep the user's palette")
        XCTAssertEqual(ThemeColor.terminalDefault.cursesColor(.palette256), -1)
        XCTAssertEqual(ColorDepth.from(colors: 256, hasColors: true), .palette256)
        XCTAssertEqual(ColorDepth.from(colors: 0x1000000, hasColors: true), .direct)
        XCTAssertEqual(ColorDepth.from(colors: 8, hasColors: true), .ansi8)
        XCTAssertEqual(ColorDepth.from(colors: 256, hasColors: false), .monochrome)
    }
}

final class ExporterTests: XCTestCase {
    let snapshot = Fixtures.snapshot(.healthy)

    func testProvidersCSVFollowsTheScreenOrder() {
        var state = UIState()
        state.sort[.providers] = SortSpec(column: 3, reversed: true)   // latency, slowest first
        let document = Exporter.document(for: ExportRequest(page: .view(.overview), pane: .providers), state: state, snapshot: snapshot,
                                         nowMs: Fixtures.nowMs)
        XCTAssertEqual(document.fileName, "lassotop-providers-ethereum-20260601-123456Z.csv")
        let lines = document.contents.components(separatedBy: "\r\n")
        XCTAssertTrue(lines[0].hasPrefix("chain,provider_id,provider,calls,"))
        XCTAssertEqual(lines.dropFirst().compactMap { $0.split(separator: ",").dropFirst().first.map(String.init) },
                       ["llamarpc", "infura", "alchemy"])
    }

    func testFeedCSVHonoursTheFilter() {
        var state = UIState()
        state.filterText = "error"
        let document = Exporter.document(for: ExportRequest(page: .view(.feed), pane: .feed), state: state, snapshot: snapshot, nowMs: Fixtures.nowMs)
        let rows = document.contents.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        let errors = snapshot.feed.filter(\.isError)
        XCTAssertEqual(rows.count, errors.count, "`error` keeps routing errors, opened circuits and warnings")
        XCTAssertGreaterThan(errors.count, 0)
        XCTAssertEqual(rows.map { $0.split(separator: ",").first.map(String.init) }, errors.map { String($0.ts) })
    }

    func testCSVFieldsAreQuotedSanitizedAndFormulaSafe() {
        XCTAssertEqual(Exporter.field("a,b"), "\"a,b\"")
        XCTAssertEqual(Exporter.field("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(Exporter.field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"")
        XCTAssertEqual(Exporter.field("-12.5"), "-12.5", "numbers stay numbers")
        XCTAssertEqual(Exporter.field("\u{1B}]0;pwned\u{07}X"), "X")
    }

    func testDetailPagesExportJSON() throws {
        var state = UIState()
        state.pages.append(PageEntry(page: .provider(chain: "ethereum", id: "infura")))
        let provider = Exporter.document(for: ExportRequest(page: state.page, pane: .providerNodes), state: state, snapshot: snapshot,
                                         nowMs: Fixtures.nowMs)
        XCTAssertEqual(provider.fileName, "lassotop-provider-ethereum-infura-20260601-123456Z.json")
        let object = try JSONSerialization.jsonObject(with: Data(provider.contents.utf8)) as? [String: Any]
        XCTAssertEqual(object?["chain"] as? String, "ethereum")
        let circuits = object?["circuits"] as? [[String: Any]]
        XCTAssertEqual(circuits?.first?["node"] as? String, "fra-1")
        XCTAssertEqual(circuits?.first?["state"] as? String, "open")

        let node = Exporter.document(for: ExportRequest(page: .node(name: "iad-1"), pane: .nodeProviders), state: state, snapshot: snapshot,
                                     nowMs: Fixtures.nowMs)
        let nodeObject = try JSONSerialization.jsonObject(with: Data(node.contents.utf8)) as? [String: Any]
        XCTAssertEqual((nodeObject?["providers"] as? [Any])?.count, 4)
        let ops = Exporter.document(for: ExportRequest(page: .view(.ops), pane: .opsNodes), state: state, snapshot: snapshot, nowMs: Fixtures.nowMs)
        XCTAssertTrue(ops.fileName.hasSuffix(".json"))
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(ops.contents.utf8)))
    }

    func testFileNamesCannotEscapeTheDirectory() {
        XCTAssertEqual(Exporter.fileSafe("../../etc/passwd"), "______etc_passwd")
    }
}

/// docs/keys.md is generated from the keymap; this keeps the committed file in step.
final class KeymapDocsTests: XCTestCase {
    func testDocsKeysMatchesTheKeymap() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/keys.md")
        let generated = Keymap.markdown()
        if ProcessInfo.processInfo.environment["LASSOTOP_REGEN_DOCS"] == "1" {
            try generated.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let committed = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(committed, generated, "docs/keys.md is stale: run LASSOTOP_REGEN_DOCS=1 swift test --filter KeymapDocsTests")
    }

    func testEveryBindingAppearsInHelpAndDocs() {
        let help = HelpContent.lines()
        let markdown = Keymap.markdown()
        for binding in Keymap.entries {
            XCTAssertTrue(help.contains { $0.text == binding.description }, binding.description)
            XCTAssertTrue(markdown.contains(binding.description), binding.description)
        }
    }
}
