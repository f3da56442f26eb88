import Foundation
import LassoCore

/// `lassotop check`: one line per failed check, like the seed's staging smoke test, and a sysexits-style code.
public struct CheckReport: Sendable, Equatable {
    public var failures: [String]
    public var exitCode: Int32

    public static let healthy: Int32 = 0
    public static let degraded: Int32 = 1
    public static let offline: Int32 = 2
    public static let usage: Int32 = 64

    /// Exit code from coverage alone: 0 healthy, 1 degraded, 2 offline.
    public static func code(for status: CoverageStatus) -> Int32 {
        switch status {
        case .healthy: return healthy
        case .degraded: return degraded
        case .offline: return offline
        }
    }

    public static func evaluate(_ snapshot: ClusterSnapshot, minCoverage: Double?, alerts: Bool) -> CheckReport {
        var failures: [String] = []
        var code = code(for: snapshot.coverage.status)
        let c = snapshot.coverage
        if c.status != .healthy {
            failures.append("FAIL coverage: \(c.responding)/\(c.total) nodes responding (\(c.status.rawValue))")
        }
        for node in snapshot.nodes where node.state != .up {
            failures.append("FAIL node \(TerminalText.line(node.name, limit: 40)): \(node.state.rawValue)\(node.lastError.map { " (\(TerminalText.line($0, limit: 120)))" } ?? "")")
        }
        if c.partitionSuspected {
            failures.append("FAIL partition suspected: nodes disagree about cluster membership")
            code = max(code, degraded)
        }
        for node in snapshot.nodes where node.state == .up && (node.cluster?.isStandalone ?? false) && snapshot.nodes.count > 1 {
            failures.append("FAIL node \(TerminalText.line(node.name, limit: 40)): reports standalone")
            code = max(code, degraded)
        }
        for chain in snapshot.chains where chain.responding < c.responding {
            failures.append("FAIL chain \(TerminalText.line(chain.chain, limit: 40)): metrics from \(chain.responding)/\(chain.total) nodes")
            code = max(code, degraded)
        }
        if let minCoverage, c.total > 0 {
            let ratio = Double(c.responding) / Double(c.total)
            if ratio < minCoverage {
                failures.append(String(format: "FAIL min-coverage: %.2f < %.2f", ratio, minCoverage))
                code = max(code, c.responding == 0 ? offline : degraded)
            }
        }
        if alerts {
            for alert in snapshot.alerts where alert.state == .firing {
                failures.append("FAIL alert " + TerminalText.line(alert.summary(now: snapshot.generatedAtMs), limit: 200))
                code = max(code, alert.level == .critical ? offline : degraded)
            }
        }
        return CheckReport(failures: failures, exitCode: code)
    }
}
