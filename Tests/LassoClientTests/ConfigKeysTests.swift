import LassoClient
import XCTest

/// Config keys are checked in every table, with file and line (Sources/LassoClient/Config/ConfigFile.swift).
final class ConfigKeysTests: XCTestCase {
    func message(_ text: String) -> String {
        do {
            _ = try ConfigFile.parse(text, path: "x.toml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testUnknownKeyInAClusterTableNamesFileAndLine() {
        let text = "[clusters.x]\nnodes = [\"http://127.0.0.1:1\"]\nexpct = 3\n"
        XCTAssertTrue(message(text).hasPrefix("x.toml:3: unknown key 'expct' in [clusters.x]"), message(text))
    }

    func testUnknownTopLevelKeyNamesFileAndLine() {
        XCTAssertTrue(message("theme = \"light\"\nthemme = \"x\"\n").hasPrefix("x.toml:2: unknown key 'themme'"), message("themme = 1"))
    }

    func testMouseKey() throws {
        XCTAssertEqual(try ConfigFile.parse("mouse = false\n", path: "x.toml").mouse, false)
        XCTAssertNil(try ConfigFile.parse("", path: "x.toml").mouse)
        XCTAssertEqual(message("mouse = \"no\"\n"), "x.toml: 'mouse' must be true or false")
    }
}
