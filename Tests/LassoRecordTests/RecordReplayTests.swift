import Foundation
import LassoClient
import LassoCore
import LassoDemo
@testable import LassoRecord
import Synchronization
import XCTest

/// Record the demo cluster over real HTTP while faults are injected, then replay: the snapshot at each moment is
/// the one the live monitor published.
final class RecordReplayTests: XCTestCase {
    func testReplayEqualsLiveDuringFaults() async throws {
        let demo = DemoCluster(config: DemoConfig(nodeCount: 3, seed: 11, lateChainStart: nil))
        try await demo.start()
        let targets = demo.nodes.map { NodeTarget(name: $0.id, url: $0.url) }
        let config = MonitorConfig(targets: targets, healthIntervalMs: 500, metricsIntervalMs: 2_000, isDemo: true)
        let monitor = try ClusterMonitor(config: config)
        let path = temporaryPath("live")
        defer { unlink(path) }
        let options = RecordWriterOptions(keyframeIntervalMs: 3_000, flushIntervalMs: 1_000)
        let writer = try RecordWriter(path: path, header: MonitorRecorder.header(config: config, lassotopVersion: "test",
                                                                                 startedAtMs: 0, options: options), options: options)
        let recorded = Mutex<[ClusterSnapshot]>([])
        await monitor.start()
        let recorder = Task {
            try await MonitorRecorder.run(monitor: monitor, writer: writer) { snapshot in recorded.withLock { $0.append(snapshot) } }
        }
        var live: [(String, ClusterSnapshot)] = []

        func waitFor(_ what: String, _ condition: (ClusterSnapshot) -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let snapshot = monitor.latestSnapshot()
                if condition(snapshot) {
                    live.append((what, snapshot))
                    return
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            XCTFail("timed out waiting for \(what)")
        }
        let fra = demo.nodes[1].id
        let sin = demo.nodes[2].id
        try await waitFor("3/3 with metrics") { $0.coverage.responding == 3 && $0.chains.contains { !$0.providers.isEmpty } && $0.feed.count > 20 }
        try await demo.setFault(.down, node: fra)
        try await waitFor("fra down") { $0.coverage.responding == 2 && $0.nodes.first { $0.name == fra }?.state == .down }
        try await demo.setFault(.garbage, node: sin)
        try await waitFor("sin bad") { $0.nodes.first { $0.name == sin }?.state == .bad && $0.coverage.responding == 1 }
        try await demo.setFault(.ok, node: fra)
        try await demo.setFault(.ok, node: sin)
        try await demo.setFault(.restart, node: demo.nodes[0].id)
        try await waitFor("recovered") { snapshot in
            snapshot.coverage.responding == 3 && snapshot.feed.contains { $0.kind == .cluster }
        }
        // The recorder has seen the last live sample (or a later one) before it stops.
        let last = live.last!.1.generatedAtMs
        let deadline = ContinuousClock.now + .seconds(10)
        // …and has recorded for longer than one keyframe interval, so the file holds several blocks however fast the
        // faults were seen (a refused node is reported at once, so the sequence above can take under 3 s).
        let minimumSpan = options.keyframeIntervalMs + 1_000
        while recorded.withLock({ ($0.last?.generatedAtMs ?? 0) < last
                   || ($0.last?.generatedAtMs ?? 0) - ($0.first?.generatedAtMs ?? 0) <= minimumSpan }),
              ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        recorder.cancel()
        _ = try await recorder.value
        try writer.close()
        await monitor.stop()
        await demo.stop()

        let reader = try RecordReader.open(path: path)
        XCTAssertNil(reader.tailProblem)
        XCTAssertGreaterThan(reader.blockCount, 1, "several keyframes")
        for (what, snapshot) in live {
            let replayed = try reader.snapshot(at: snapshot.generatedAtMs)
            XCTAssertEqual(replayed, snapshot, what)
        }
        let all = recorded.withLock { $0 }
        print("recorded \(all.count) snapshots over \(all.last!.generatedAtMs - all.first!.generatedAtMs) ms in \(reader.blockCount) blocks, \(reader.fileSize) bytes")
        XCTAssertEqual(try reader.allRecordTimes(), all.map(\.generatedAtMs))
        for snapshot in all {
            let replayed = try reader.snapshot(at: snapshot.generatedAtMs)
            if replayed != snapshot { XCTFail("replay differs at \(snapshot.generatedAtMs)"); break }
        }
        // The faults are in the recording, at the moments they were live.
        XCTAssertEqual(try reader.snapshot(at: live[1].1.generatedAtMs).coverage.responding, 2)
        XCTAssertEqual(try reader.snapshot(at: live[2].1.generatedAtMs).nodes.first { $0.name == sin }?.state, .bad)
    }
}
