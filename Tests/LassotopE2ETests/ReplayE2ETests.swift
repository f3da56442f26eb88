import Foundation
import XCTest

/// `lassotop record`, `lassotop replay` and `lassotop --record` end to end (docs/replay.md): the real binary records
/// the embedded demo over HTTP, then the dashboard plays the file in a tmux pane, driven with keys.
final class ReplayE2ETests: XCTestCase {
    var directory = ""

    override func setUp() async throws {
        guard TmuxSession.tmuxAvailable else { throw XCTSkip("tmux is not installed (make test installs it)") }
        guard FileManager.default.isExecutableFile(atPath: TmuxSession.binary) else {
            throw XCTSkip("build the binary first: swift build (make test does)")
        }
        directory = NSTemporaryDirectory() + "lassotop-replay-e2e-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The first line of the pane (the header).
    func header(_ screen: String) -> String { screen.split(separator: "\n").first.map(String.init) ?? "" }

    /// The timeline bar: the line holding "+m:ss / m:ss".
    func timeline(_ screen: String) -> String? {
        screen.split(separator: "\n").map(String.init).first { $0.contains(" / ") && ($0.contains("playing") || $0.contains("paused")) }
    }

    /// (position, length) in seconds from the timeline bar.
    func positionAndLength(_ screen: String) -> (Int, Int)? {
        guard let bar = timeline(screen), let plus = bar.firstIndex(of: "+") else { return nil }
        let parts = bar[bar.index(after: plus)...].split(separator: " ")
        guard parts.count >= 3, parts[1] == "/" else { return nil }
        func seconds(_ text: Substring) -> Int? {
            let fields = text.split(separator: ":").compactMap { Int($0) }
            return fields.count >= 2 ? fields.reduce(0) { $0 * 60 + $1 } : nil
        }
        guard let position = seconds(parts[0]), let length = seconds(parts[2]) else { return nil }
        return (position, length)
    }

    func waitForExit(_ tmux: TmuxSession, code: Int) throws -> String {
        try tmux.waitFor("EXIT=\(code) and a fresh shell prompt") { screen in
            let lastLine = screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
            return screen.contains("EXIT=\(code)") && lastLine.hasPrefix("PROMPT$")
        }
    }

    func testRecordTheDemoThenReplayItInTheDashboard() throws {
        let file = directory + "/demo.lrec"
        let recorded = try TmuxSession.run([TmuxSession.binary, "record", file, "--duration", "4"])
        XCTAssertEqual(recorded.status, 0, recorded.output)
        XCTAssertTrue(recorded.output.contains("recorded "), recorded.output)
        // `record` keeps a snapshot a second (its refresh defaults to 1 s; the dashboard's to 2 s): the header says so.
        let head = String(decoding: try XCTUnwrap(FileManager.default.contents(atPath: file)).prefix(2_048), as: UTF8.self)
        XCTAssertTrue(head.contains(#""events_interval_ms":1000"#), head)
        // What the dashboard must reach: the recording ends with the whole demo cluster answering.
        let last = try TmuxSession.run([TmuxSession.binary, "snapshot", "--replay", file, "--at", "end"])
        XCTAssertTrue(last.output.contains("Coverage: 3/3"), last.output)

        let tmux = try TmuxSession(width: 120, height: 40, command: "\(TmuxSession.binary) replay \(file)")
        var screen = try tmux.waitFor("REPLAY and full coverage while playing") { screen in
            self.header(screen).contains("REPLAY") && screen.contains("Coverage: 3/3")
        }
        XCTAssertTrue(header(screen).hasPrefix("lassotop  REPLAY  DEMO  demo.lrec  "), header(screen))
        XCTAssertNotNil(timeline(screen), screen)

        // G: to the end, where playback stops (paused, position = length).
        try tmux.sendKeys("G")
        screen = try tmux.waitFor("the playhead at the end, paused") { screen in
            guard let (position, length) = self.positionAndLength(screen) else { return false }
            return position == length && length >= 3 && self.timeline(screen)!.contains("paused")
        }
        XCTAssertTrue(screen.contains("Coverage: 3/3"), screen)

        // Space at the end plays again from the start; g is the start, ← steps (and pauses), > speeds up.
        try tmux.sendKeys("Space")
        try tmux.waitFor("playing again") { self.timeline($0)?.contains("playing") == true }
        try tmux.sendKeys("g")
        try tmux.waitFor("back at the start") { self.positionAndLength($0)?.0 == 0 }
        try tmux.sendKeys(">", ">")
        try tmux.waitFor("4× speed") { self.timeline($0)?.contains(" 4×") == true }
        try tmux.sendKeys("Left")
        try tmux.waitFor("paused by a step") { self.timeline($0)?.contains("paused") == true }

        // Views still work on the replayed data: the Nodes view lists the demo nodes.
        try tmux.sendKeys("2")
        try tmux.waitFor("the Nodes view") { $0.contains("iad-1") && $0.contains("fra-1") && $0.contains("sin-1") }
        // Nothing polls in a replay: + says so instead of claiming a new interval.
        try tmux.sendKeys("+")
        try tmux.waitFor("the replay's answer to +") { $0.contains("nothing polls") && !$0.contains("health poll interval:") }

        try tmux.sendKeys("q")
        let after = try waitForExit(tmux, code: 0)
        XCTAssertFalse(after.contains("REPLAY"), "the alternate screen was left:\n\(after)")
        _ = try tmux.waitFor("stty saved after exit") { _ in tmux.stty("after") != nil }
        XCTAssertEqual(tmux.stty("before"), tmux.stty("after"), "terminal modes restored")
    }

    func testRecordFlagShowsRECAndLeavesAReplayableFile() throws {
        let file = directory + "/watched.lrec"
        let tmux = try TmuxSession(width: 120, height: 40, command: "\(TmuxSession.binary) --record \(file)")
        let screen = try tmux.waitFor("REC and full coverage") { screen in
            self.header(screen).hasPrefix("lassotop  REC  ") && screen.contains("Coverage: 3/3")
        }
        XCTAssertFalse(screen.contains("REPLAY"), screen)
        try tmux.sendKeys("q")
        let after = try waitForExit(tmux, code: 0)
        XCTAssertTrue(after.contains("recorded "), "the summary line after the terminal is restored:\n\(after)")
        let replayed = try TmuxSession.run([TmuxSession.binary, "snapshot", "--replay", file, "--at", "end"])
        XCTAssertEqual(replayed.status, 0, replayed.output)
        XCTAssertTrue(replayed.output.contains("Coverage: 3/3"), replayed.output)

        // A second --record to the same file is refused before the screen changes (usage, 64).
        let again = try TmuxSession(width: 120, height: 40, command: "\(TmuxSession.binary) --record \(file)")
        let refused = try waitForExit(again, code: 64)
        XCTAssertTrue(refused.contains("never overwritten"), refused)
    }

    /// Live time travel: LIVE in the header, `[` shows an older snapshot from memory with how far back it is, Esc
    /// returns to live.
    func testLiveTimeTravelAndEscBackToLive() throws {
        let tmux = try TmuxSession(width: 120, height: 40, command: TmuxSession.binary)
        try tmux.waitFor("LIVE and full coverage") { self.header($0).contains("LIVE") && $0.contains("Coverage: 3/3") }
        try tmux.sendKeys("[")
        let back = try tmux.waitFor("a -Ns mark instead of LIVE") { screen in
            let line = self.header(screen)
            return line.range(of: #"^lassotop  -\d+s  "#, options: .regularExpression) != nil && !line.contains("LIVE")
                && screen.contains("iad-1")   // the kept snapshot drawn whole, not just the mark
        }
        _ = back
        try tmux.sendKeys("Escape")
        try tmux.waitFor("LIVE again") { self.header($0).contains("LIVE") && $0.contains("Coverage: 3/3") }
        try tmux.sendKeys("q")
        _ = try waitForExit(tmux, code: 0)
    }

    func testUnreadableRecordingsExitWithTheirStatus() throws {
        let missing = try TmuxSession(width: 120, height: 40, command: "\(TmuxSession.binary) replay \(directory)/missing.lrec")
        _ = try waitForExit(missing, code: 66)
        let foreign = directory + "/foreign.lrec"
        try Data("not a recording\u{1B}[31m\n".utf8).write(to: URL(fileURLWithPath: foreign))
        let notARecording = try TmuxSession(width: 120, height: 40, command: "\(TmuxSession.binary) replay \(foreign)")
        let screen = try waitForExit(notARecording, code: 65)
        XCTAssertTrue(screen.contains("not a lassotop recording"), screen)
    }
}
