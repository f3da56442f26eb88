import Foundation
import LassoCore

/// `lassotop check`: one line per failed check, like Lasso's staging smoke test (docs/lasso-compat.md §5), and a sysexits-style code.
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

    /// The line to print when nothing failed (mentions --min-coverage and the nodes it let pass).
    public var okLine: String = ""

    public init(failures: [String], exitCode: Int32, okLine: String = "") {
        self.failures = failures
        self.exitCode = exitCode
        self.okLine = okLine
    }

    /// The verdicts themselves are pure and live in LassoCore (`CheckVerdict`), shared with the alert engine.
    public static func evaluate(_ snapshot: ClusterSnapshot, minCoverage: Double?, alerts: Bool) -> CheckReport {
        let verdict = CheckVerdict.evaluate(snapshot, minCoverage: minCoverage, alerts: alerts)
        return CheckReport(failures: verdict.failures, exitCode: verdict.exitCode, okLine: verdict.okLine)
    }
}
