import XCTest
@testable import LassoCore

final class TerminalTextTests: XCTestCase {
    func testTitleAndColourInjectionBecomePlainText() {
        XCTAssertEqual(TerminalText.sanitize("\u{1B}]0;pwned\u{07}\u{1B}[31mX"), "X")
    }

    func testOSC52ClipboardWithSTTerminator() {
        XCTAssertEqual(TerminalText.sanitize("a\u{1B}]52;c;ZXZpbA==\u{1B}\\b"), "ab")
    }

    func testC1ControlsAndBidiRemoved() {
        XCTAssertEqual(TerminalText.sanitize("x\u{9B}2Jy\u{202E}gnp.exe\u{2066}z\u{85}"), "xygnp.exez")
    }

    func testControlsAndWhitespace() {
        XCTAssertEqual(TerminalText.sanitize("a\tb\nc\u{7F}\u{00}d"), "a b cd")
    }

    func testUnicodeKept() {
        XCTAssertEqual(TerminalText.sanitize("以太坊 провайдер 🚀"), "以太坊 провайдер 🚀")
        XCTAssertEqual(TerminalText.sanitize("bad \u{FFFD} byte"), "bad \u{FFFD} byte")
    }

    func testTruncatedEscapeAtEnd() {
        XCTAssertEqual(TerminalText.sanitize("ok\u{1B}"), "ok")
        XCTAssertEqual(TerminalText.sanitize("ok\u{1B}[12"), "ok")
        XCTAssertEqual(TerminalText.sanitize("ok\u{1B}]0;never ends"), "ok")
    }

    func testLineCutsWithEllipsis() {
        XCTAssertEqual(TerminalText.line(String(repeating: "a", count: 10), limit: 5), "aaaa…")
    }

    func testJSONForATerminalEscapesDELAndC1ButKeepsTheText() throws {
        struct Doc: Codable, Equatable { var name: String }
        let hostile = Doc(name: "a\u{9B}31mb\u{7F}c\u{85}d\u{80}\u{9F} ¢é東")
        let raw = try JSONEncoder().encode(hostile)
        XCTAssertTrue(raw.contains(0x7F) && raw.contains(0xC2), "JSONEncoder writes DEL and C1 raw (the reason for the escaper)")
        let safe = TerminalText.escapingControlsInJSON(raw)
        let bytes = [UInt8](safe)
        XCTAssertFalse(bytes.contains(0x7F))
        for (i, byte) in bytes.enumerated() where byte == 0xC2 {
            XCTAssertFalse((0x80...0x9F).contains(bytes[i + 1]), "raw C1 at \(i)")
        }
        let text = try XCTUnwrap(String(data: safe, encoding: .utf8))
        XCTAssertTrue(text.contains(#"\u009b31m"#) && text.contains(#"\u007f"#) && text.contains(#"\u0085"#), text)
        XCTAssertTrue(text.contains("¢é東"), "printable non-ASCII text stays as it is")
        XCTAssertEqual(try JSONDecoder().decode(Doc.self, from: safe), hostile, "the escapes decode to the same text")
        XCTAssertEqual(TerminalText.escapingControlsInJSON(Data(#"{"a":"plain"}"#.utf8)), Data(#"{"a":"plain"}"#.utf8))
    }
}
