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
}
