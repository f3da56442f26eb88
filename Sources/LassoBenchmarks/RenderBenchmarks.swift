import Foundation
import LassoCore
import LassoTUI
import LassoTerminal

/// 4. Render: a full frame of the overview (state → cell grid), the diff to the previous frame, and the bytes ncurses
/// writes for a steady frame where one row changes.
public enum RenderBenchmarks {
    /// Frame → grid time per call. Budget ≤ 1 ms.
    public static func render(width: Int = 200, height: Int = 60, callsPerRun: Int = 200, runs: Int = 7) -> Figure {
        let snapshot = Workloads.dashboardSnapshot()
        let state = Workloads.overviewState(width: width, height: height, snapshot: snapshot)
        let size = GridSize(width: width, height: height)
        let caps = RenderCaps()
        var sink = 0
        let values = Measure.repeated(runs: runs) {
            Measure.seconds {
                for i in 0..<callsPerRun {
                    // A new clock each call, as the live loop has once a second: nothing can be cached across calls.
                    let grid = Renderer.render(state: state, snapshot: snapshot, size: size, caps: caps,
                                               nowMs: Workloads.dashboardNowMs + Int64(i) * 1000)
                    sink &+= grid.cells.count
                }
            } * 1000 / Double(callsPerRun)
        }
        return Measure.figure("render \(width)×\(height) overview → cell grid", unit: "ms", values: values, budget: 1, .atMost,
                              note: sink == 0 ? "empty grids" : nil)
    }

    /// Diff between two consecutive frames (one node's latency changed). Budget ≤ 1 ms.
    public static func diff(width: Int = 200, height: Int = 60, callsPerRun: Int = 200, runs: Int = 7) -> Figure {
        let (old, new) = steadyFramePair(width: width, height: height)
        var changed = 0
        let values = Measure.repeated(runs: runs) {
            Measure.seconds {
                for _ in 0..<callsPerRun { changed &+= GridDiff.between(old, new).changedCells }
            } * 1000 / Double(callsPerRun)
        }
        let diff = GridDiff.between(old, new)
        return Measure.figure("diff two \(width)×\(height) frames", unit: "ms", values: values, budget: 1, .atMost,
                              note: "\(diff.changedRows.count) row(s), \(diff.changedCells) cell(s) changed" + (changed == 0 ? " (none!)" : ""))
    }

    /// Bytes ncurses writes (newterm on a file, TERM=`terminalType`) for the second of two frames that differ in one
    /// row. Budget ≤ 100 bytes. Also reports the first (full) frame's size.
    public static func steadyFrameBytes(width: Int = 200, height: Int = 60, terminalType: String = "tmux-256color") throws -> Figure {
        let (old, new) = steadyFramePair(width: width, height: height)
        let diff = GridDiff.between(old, new)
        let counter = try FrameByteCounter(width: width, height: height, terminalType: terminalType)
        defer { counter.close() }
        let fullFrame = counter.draw(old)
        let unchanged = counter.draw(old)
        // Alternate so every measured frame is a one-row change against what is on the terminal.
        var values: [Double] = []
        for i in 0..<6 { values.append(Double(counter.draw(i % 2 == 0 ? new : old))) }
        return Measure.figure("bytes to the terminal, steady frame, one row changed (\(terminalType))", unit: "bytes",
                              values: values, budget: 100, .atMost,
                              note: "full first frame \(fullFrame) bytes; identical frame \(unchanged) bytes; changed rows \(diff.changedRows), \(diff.changedCells) cells")
    }

    public static func all(width: Int = 200, height: Int = 60) throws -> [Figure] {
        // 120×40 as well: the size the idle figures run at, where the live loop renders once a second.
        [render(width: width, height: height), render(width: 120, height: 40), diff(width: width, height: height),
         try steadyFrameBytes(width: width, height: height)]
    }

    /// Two overview frames at the same clock where exactly one node's health latency differs: one table row changes.
    static func steadyFramePair(width: Int, height: Int) -> (CellGrid, CellGrid) {
        let snapshot = Workloads.dashboardSnapshot()
        var changed = snapshot
        changed.nodes[1].latencyMs = (changed.nodes[1].latencyMs ?? 0) + 7.25
        let state = Workloads.overviewState(width: width, height: height, snapshot: snapshot)
        let size = GridSize(width: width, height: height)
        let old = Renderer.render(state: state, snapshot: snapshot, size: size, caps: RenderCaps(), nowMs: Workloads.dashboardNowMs)
        let new = Renderer.render(state: state, snapshot: changed, size: size, caps: RenderCaps(), nowMs: Workloads.dashboardNowMs)
        return (old, new)
    }
}
