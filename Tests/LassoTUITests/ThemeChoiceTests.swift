import Foundation
import LassoCore
import LassoTerminal
import XCTest
@testable import LassoTUI

/// Start-up theme (flag, remembered, config, COLORFGBG) and remembering `t` / `:theme` (Sources/LassoTerminal/ThemeChoice.swift).
final class ThemeChoiceTests: XCTestCase {
    var directory = ""
    let repoThemes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Themes").path
    var loader: ThemeLoader { ThemeLoader(searchDirectories: [repoThemes], executablePath: nil) }

    override func setUp() {
        directory = NSTemporaryDirectory() + "lassotop-theme-\(UUID().uuidString)"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testColorFGBG() {
        XCTAssertEqual(ThemeChoice.backgroundIsLight(colorfgbg: "0;15"), true)
        XCTAssertEqual(ThemeChoice.backgroundIsLight(colorfgbg: "0;default;7"), true)
        XCTAssertEqual(ThemeChoice.backgroundIsLight(colorfgbg: "15;0"), false)
        XCTAssertEqual(ThemeChoice.backgroundIsLight(colorfgbg: "7;8"), false)
        XCTAssertNil(ThemeChoice.backgroundIsLight(colorfgbg: nil))
        XCTAssertNil(ThemeChoice.backgroundIsLight(colorfgbg: "garbage"))
    }

    func testStartupOrderFlagRememberedConfigBackground() throws {
        let env = ["XDG_STATE_HOME": directory, "COLORFGBG": "0;15"]
        XCTAssertEqual(ThemeChoice.initial(flag: nil, config: nil, environment: env, loader: loader), "light", "light background")
        XCTAssertNil(ThemeChoice.initial(flag: nil, config: nil, environment: ["XDG_STATE_HOME": directory, "COLORFGBG": "15;0"], loader: loader))
        XCTAssertEqual(ThemeChoice.initial(flag: nil, config: "solarized-dark", environment: env, loader: loader), "solarized-dark")
        try ThemeChoice.remember("high-contrast", path: ThemeChoice.stateFile(environment: env))
        XCTAssertEqual(ThemeChoice.initial(flag: nil, config: "solarized-dark", environment: env, loader: loader), "high-contrast")
        XCTAssertEqual(ThemeChoice.initial(flag: "monochrome", config: nil, environment: env, loader: loader), "monochrome")
        // A remembered theme that no longer loads is ignored.
        try ThemeChoice.remember("deleted-theme", path: ThemeChoice.stateFile(environment: env))
        XCTAssertEqual(ThemeChoice.initial(flag: nil, config: nil, environment: env, loader: loader), "light")
    }

    func testRememberedFileIsPrivate() throws {
        let path = ThemeChoice.stateFile(environment: ["XDG_STATE_HOME": directory])
        try ThemeChoice.remember("light", path: path)
        let fileMode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        let dirMode = try FileManager.default.attributesOfItem(atPath: directory + "/lassotop")[.posixPermissions] as? Int
        XCTAssertEqual(fileMode, 0o600)
        XCTAssertEqual(dirMode, 0o700)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "light\n")
        XCTAssertEqual(ThemeChoice.stateFile(environment: ["HOME": "/home/x"]), "/home/x/.local/state/lassotop/theme")
    }

    func testThemeKeyAndCommandAreRemembered() throws {
        let backend = RecordingBackend(snapshot: Fixtures.snapshot(.healthy))
        var interpreter = EffectInterpreter(backend: backend, themes: loader, exportDirectory: directory)
        let path = directory + "/state/lassotop/theme"
        interpreter.themeStateFile = path
        let screen = FakeScreen(keys: [])
        var state = UIState()
        _ = interpreter.run([.setTheme("light")], state: &state, snapshot: Fixtures.snapshot(.healthy), screen: screen)
        XCTAssertEqual(state.themeName, "light")
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "light\n")
        _ = interpreter.run([.nextTheme], state: &state, snapshot: Fixtures.snapshot(.healthy), screen: screen)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), state.themeName + "\n")
        // A theme that does not load changes nothing and is not remembered.
        let before = state.themeName
        _ = interpreter.run([.setTheme("no-such-theme")], state: &state, snapshot: Fixtures.snapshot(.healthy), screen: screen)
        XCTAssertEqual(state.themeName, before)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), before + "\n")
    }
}
