import Foundation
import LassoClient
import LassoCore
import LassoTUI
import Synchronization
import XCTest

/// Helpers shared by the reliability tests.
enum Support {
    /// A scalar that must never reach the terminal: C0/C1 controls, DEL, bidi overrides/isolates/marks.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }

    static func forbiddenScalars(in text: String) -> [String] {
        text.unicodeScalars.filter(isForbidden).map { String(format: "U+%04X", $0.value) }
    }

    /// Renders `snapshot` on every top view plus `extra` pages at two sizes and returns each frame's text.
    static func renderedFrames(_ snapshot: ClusterSnapshot, extra: [Page] = []) -> [(page: String, text: String)] {
        var frames: [(String, String)] = []
        let pages: [Page] = [.view(.overview), .view(.nodes), .view(.feed), .view(.ops), .view(.alerts)] + extra
        for page in pages {
            for size in [GridSize(width: 200, height: 60), GridSize(width: 80, height: 24)] {
                var state = UIState()
                state.pages = [PageEntry(page: page)]
                state.screenWidth = size.width
                state.screenHeight = size.height
                let grid = Renderer.render(state: state, snapshot: snapshot, size: size, caps: RenderCaps(),
                                           nowMs: snapshot.generatedAtMs)
                // Every cell's grapheme, rows joined by spaces: exactly what would be written to the terminal.
                var cells = ""
                for y in 0..<grid.height {
                    for x in 0..<grid.width { cells += grid[x, y].grapheme }
                    cells += " "
                }
                frames.append(("\(page) \(size.width)x\(size.height)", cells))
            }
        }
        return frames
    }

    /// Process resident set size and its peak (VmHWM), in bytes, from /proc/self/status.
    static func memory() -> (rss: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }

    /// Resets the peak RSS counter (Linux: writing 5 to clear_refs), so VmHWM measures from now.
    static func resetPeakMemory() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }
}
