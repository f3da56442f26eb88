import Foundation
import XCTest

/// What keeps a dashboard left running small, checked on the real process: one malloc arena for every thread
/// (`HeapTuning.useOneArena`). glibc gives each extra arena a 64 MiB-aligned reservation of its own, so a
/// process that made any has such a mapping in /proc/PID/maps; the main arena lives in `[heap]`.
final class ResidentMemoryE2ETests: XCTestCase {
    override func setUp() async throws {
        guard TmuxSession.tmuxAvailable else { throw XCTSkip("tmux is not installed (make test installs it)") }
        guard FileManager.default.isExecutableFile(atPath: TmuxSession.binary) else {
            throw XCTSkip("build the binary first: swift build (make test does)")
        }
    }

    func testTheDashboardKeepsOneMallocArena() throws {
        let tmux = try TmuxSession(width: 120, height: 40, command: TmuxSession.binary)
        // Every thread has allocated by then: the embedded demo's servers, the pollers, the TUI.
        _ = try tmux.waitFor("full coverage") { $0.contains("Coverage: 3/3") }
        let pid = try XCTUnwrap(try tmux.commandPID(), "the lassotop process under the pane's shell")
        let maps = try String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)
        let arenas = Self.arenaReservations(maps)
        XCTAssertEqual(arenas, [], "malloc arenas besides the main one:\n\(maps)")
        try tmux.sendKeys("q")
        _ = try tmux.waitFor(text: "EXIT=0")
    }

    /// Anonymous mappings that start on a 64 MiB boundary and, with the inaccessible rest that follows them, span
    /// exactly 64 MiB: glibc's reservation for an arena other than the main one.
    static func arenaReservations(_ maps: String) -> [String] {
        let heapMax: UInt64 = 64 << 20
        let rows: [(start: UInt64, end: UInt64, perms: String, anonymous: Bool, line: String)] = maps.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5 else { return nil }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt64(range[0], radix: 16), let end = UInt64(range[1], radix: 16) else { return nil }
            return (start, end, String(fields[1]), fields.count == 5, String(line))
        }
        var found: [String] = []
        for (index, row) in rows.enumerated() where row.anonymous && row.perms.hasPrefix("rw") && row.start % heapMax == 0 {
            var end = row.end
            if index + 1 < rows.count, rows[index + 1].start == end, rows[index + 1].perms.hasPrefix("---"), rows[index + 1].anonymous {
                end = rows[index + 1].end
            }
            if end - row.start == heapMax { found.append(row.line) }
        }
        return found
    }
}
