import Foundation
import LassoClient
import LassoCore
import XCTest

/// One node's trouble stays on its own row. A node trickling every body (chunked, a byte every 0.3 s) once blanked
/// every node's metrics ("0/3 nodes reporting"), kept `(updating…)` on for good and turned fast nodes stale.
final class SlowNodeIsolationTests: XCTestCase {
    func testTricklingNodeNeverBlanksOrStalesTheFastNodes() async throws {
        let provider = LassoBodies.Provider(id: "ethereum_drpc", name: "dRPC", calls: 100)
        let fast = try (0..<2).map { _ in try HostileNode(handler: LassoBodies.goodHandler(providers: [provider])) }
        let slow = try HostileNode { _, _ in .chunkedTrickle(chunks: 10_000, interval: .milliseconds(300)) }
        defer { for node in fast + [slow] { node.stop() } }
        var config = MonitorConfig(
            targets: [NodeTarget(name: "fast-0", url: fast[0].url), NodeTarget(name: "fast-1", url: fast[1].url),
                      NodeTarget(name: "slow", url: slow.url)],
            chains: ["ethereum"], healthIntervalMs: 500, metricsIntervalMs: 1_000, http: HTTPOptions(timeout: .seconds(2)))
        config.healthTimeoutMs = 2_000
        let monitor = try ClusterMonitor(config: config)
        await monitor.start()
        defer { Task { await monitor.stop() } }

        // Until both fast nodes are up and the chain has their figures (bounded).
        let ready = Date().addingTimeInterval(15)
        while Date() < ready {
            let s = monitor.latestSnapshot()
            if s.nodes.filter({ $0.name.hasPrefix("fast") && $0.state == .up }).count == 2,
               (s.chains.first?.responding ?? 0) >= 2 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        // Then watch 8 s (four slow-node timeouts): the fast nodes stay up with their figures, and the slow node's
        // trouble is its own row's.
        var samples = 0, updating = 0
        let until = Date().addingTimeInterval(8)
        while Date() < until {
            let s = monitor.latestSnapshot()
            samples += 1
            for name in ["fast-0", "fast-1"] {
                let state = s.nodes.first { $0.name == name }?.state
                XCTAssertEqual(state, .up, "\(name) at sample \(samples)")
            }
            XCTAssertGreaterThanOrEqual(s.chains.first?.responding ?? 0, 2, "figures of the fast nodes at sample \(samples)")
            if s.updating { updating += 1 }
            try await Task.sleep(for: .milliseconds(100))
        }
        let final = monitor.latestSnapshot()
        XCTAssertEqual(final.nodes.first { $0.name == "slow" }?.state, .down, "\(final.nodes)")
        print("slow node beside two fast ones: updating in \(updating)/\(samples) samples")
        XCTAssertLessThan(Double(updating) / Double(max(samples, 1)), 0.2, "(updating…) clears: \(updating)/\(samples)")
        await monitor.stop()
    }
}
