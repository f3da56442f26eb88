import Foundation
import XCTest
@testable import LassoTUI

/// The README's key list is generated from the same keymap table as key handling, the `?` overlay and docs/keys.md.
final class ReadmeKeysTests: XCTestCase {
    static let begin = "<!-- keys:begin (generated from Keymap.entries; LASSOTOP_REGEN_DOCS=1 swift test --filter ReadmeKeysTests) -->"
    static let end = "<!-- keys:end -->"

    /// docs/keys.md's tables, one heading level down, without its title and intro.
    static func section() -> String {
        let markdown = Keymap.markdown()
        guard let first = markdown.range(of: "\n## ") else { return markdown }
        let body = String(markdown[first.lowerBound...]).replacingOccurrences(of: "\n## ", with: "\n### ")
        return body.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testReadmeKeyListMatchesTheKeymap() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let readme = try String(contentsOf: url, encoding: .utf8)
        guard let start = readme.range(of: Self.begin), let stop = readme.range(of: Self.end, range: start.upperBound..<readme.endIndex) else {
            return XCTFail("README.md lacks the generated keys section markers")
        }
        let generated = "\n" + Self.section() + "\n"
        if ProcessInfo.processInfo.environment["LASSOTOP_REGEN_DOCS"] == "1" {
            try readme.replacingCharacters(in: start.upperBound..<stop.lowerBound, with: generated)
                .write(to: url, atomically: true, encoding: .utf8)
            return
        }
        XCTAssertEqual(String(readme[start.upperBound..<stop.lowerBound]), generated,
                       "README key list is stale: run LASSOTOP_REGEN_DOCS=1 swift test --filter ReadmeKeysTests")
    }
}
