import Foundation
import LassoClient
import LassoCore
import XCTest

// Waiting on conditions with deadlines (never fixed sleeps): the helpers every integration test uses.

/// Waits (bounded) until the monitor's latest snapshot satisfies `condition`; on timeout fails the test with the
/// coverage and node states (or `detail` of the last snapshot) and returns the last snapshot.
@discardableResult
public func waitFor(_ monitor: ClusterMonitor, _ what: String, timeout: Double = 10,
                    detail: ((ClusterSnapshot) -> String)? = nil,
                    file: StaticString = #filePath, line: UInt = #line,
                    _ condition: (ClusterSnapshot) -> Bool) async throws -> ClusterSnapshot {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        let snapshot = monitor.latestSnapshot()
        if condition(snapshot) { return snapshot }
        try await Task.sleep(for: .milliseconds(50))
    }
    let last = monitor.latestSnapshot()
    let state = detail?(last) ?? "coverage \(last.coverage.responding)/\(last.coverage.total), nodes "
        + "\(last.nodes.map { "\($0.name)=\($0.state)(\($0.lastError ?? ""))" })"
    XCTFail("timed out waiting for \(what): \(state)", file: file, line: line)
    return last
}

/// Polls `condition` every 50 ms until it holds or `seconds` pass (bounded in count and time).
public func eventually(_ seconds: Double = 5, _ message: String = "condition never held", file: StaticString = #filePath,
                       line: UInt = #line, _ condition: () async throws -> Bool) async rethrows {
    let attempts = Int(seconds / 0.05)
    for _ in 0..<attempts {
        if try await condition() { return }
        try? await Task.sleep(for: .milliseconds(50))
    }
    XCTFail(message, file: file, line: line)
}
