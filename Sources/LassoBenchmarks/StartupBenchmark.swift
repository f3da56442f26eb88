import Foundation
import LassoCore

/// Start-up: the real `lassotop` (no flags: embedded 3-node demo) in a 120×40 tmux pane, the pane read every ~10 ms.
/// "First useful frame": the providers table has a provider row. "First calls/s": a provider row shows a number in
/// the CALL/S column (rates need two metrics samples).
public enum StartupBenchmark {
    public static func run(lassotopPath: String, runs: Int = 3) throws -> [Figure] {
        guard FileManager.default.isExecutableFile(atPath: lassotopPath) else {
            throw BenchError.setup("no lassotop binary at \(lassotopPath) (swift build -c release --product lassotop)")
        }
        guard IdleBenchmark.which("tmux") != nil else { throw BenchError.setup("tmux not installed (apt-get install -y tmux)") }
        var frames: [Double] = []
        var rates: [Double] = []
        for run in 0...runs {   // run 0 warms the page cache
            let tmux = Tmux(socket: "lassotop-bench-start-\(getpid())-\(run)")
            var started: [Int32] = []
            defer { tmux.shutDown(panes: started) }
            let begin = ContinuousClock.now
            let pid = try tmux.start(session: "lassotop", width: 120, height: 40,
                                     command: "exec env TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \(lassotopPath)")
            started.append(pid)
            var firstFrame: Double?
            var firstRate: Double?
            let deadline = begin + .seconds(30)
            while ContinuousClock.now < deadline, firstRate == nil {
                let screen = tmux.capture(session: "lassotop")
                let rows = providerRows(screen)
                let elapsed = (ContinuousClock.now - begin).inSeconds
                if firstFrame == nil, !rows.isEmpty { firstFrame = elapsed }
                if rows.contains(where: { $0.rate != nil }) { firstRate = elapsed }
                Thread.sleep(forTimeInterval: 0.01)
            }
            guard let firstFrame, let firstRate else {
                throw BenchError.setup("no providers or no calls/s within 30 s; screen:\n\(tmux.capture(session: "lassotop"))")
            }
            if run > 0 {
                frames.append(firstFrame * 1000)
                rates.append(firstRate)
            }
        }
        return [
            Measure.figure("start to the first useful frame (providers drawn, embedded demo)", unit: "ms", values: frames,
                           budget: 300, .atMost),
            Measure.figure("start to the first calls/s figure (embedded demo)", unit: "s", values: rates, budget: 5, .atMost),
        ]
    }

    /// The provider rows of the Providers box: the text under the header, and the CALL/S cell parsed as a number.
    static func providerRows(_ screen: String) -> [(line: String, rate: Double?)] {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        guard let headerIndex = lines.firstIndex(where: { String($0).contains("CALL/S") }) else { return [] }
        let header = String(lines[headerIndex])
        guard let range = header.range(of: "CALL/S") else { return [] }
        let end = header.distance(from: header.startIndex, to: range.upperBound)
        var rows: [(String, Double?)] = []
        for line in lines[(headerIndex + 1)...] {
            let text = String(line)
            if text.hasPrefix("└") || !text.hasPrefix("│") || text.contains("no providers") || text.contains("waiting") { break }
            // The right-aligned CALL/S cell is the last word before the header's column end.
            let cell = line.count >= end ? String(line[..<end]).split(separator: " ").last.map(String.init) ?? "" : ""
            rows.append((text, Double(cell)))
        }
        return rows
    }
}
