import Foundation
import XCTest

/// `LANG=C`: the real binary in a tmux pane whose locale has no UTF-8. A node named in Japanese must stay visible
/// (one `?` per cell its characters take), never a blank cell.
final class PlainLocaleE2ETests: XCTestCase {
    override func setUp() async throws {
        guard TmuxSession.tmuxAvailable else { throw XCTSkip("tmux is not installed (make test installs it)") }
        guard FileManager.default.isExecutableFile(atPath: TmuxSession.binary) else {
            throw XCTSkip("build the binary first: swift build (make test does)")
        }
    }

    func testNonASCIINodeNameIsReplacedNotBlankedUnderLANGC() throws {
        // Port 9 on 127.0.0.1 (discard) has no listener here: the node is simply down; only its name matters.
        let file = NSTemporaryDirectory() + "lassotop-e2e-nodes-\(UUID().uuidString.prefix(8)).txt"
        try "東京ノード=http://127.0.0.1:9\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let tmux = try TmuxSession(width: 120, height: 30, command: "\(TmuxSession.binary) --nodes-file \(file)",
                                   environment: ["LANG": "C", "LC_ALL": "C"])
        // Waits for the name drawn as ten '?' (five wide characters), not blank, on the DOWN row.
        let screen = try tmux.waitFor("東京ノード's DOWN row with ten '?'") { screen in
            screen.split(separator: "\n").contains { $0.contains("DOWN") && $0.contains("| ?????????? ") }
        }
        let row = screen.split(separator: "\n").first { $0.contains("DOWN") }.map(String.init) ?? ""
        // Refused is instant: the poll time is the real one, not the connect timeout.
        XCTAssertFalse(row.contains("1.0s"), row)
        try tmux.sendKeys("q")
        _ = try tmux.waitFor(text: "EXIT=")
    }
}
