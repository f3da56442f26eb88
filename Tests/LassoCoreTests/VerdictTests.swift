import XCTest
@testable import LassoCore

/// The pure verdicts: a node's own view, a cluster that never formed, version skew, partition hold, `check` lines
/// and exit codes (with and without --min-coverage), and the alert rules built on them.
final class VerdictTests: XCTestCase {
    let t0: Int64 = 1_700_000_000_000

    func view(_ responding: Int, _ connected: Int, enabled: Bool = true, status: String? = nil) -> ClusterView {
        ClusterView(enabled: enabled, nodesConnected: connected, nodesResponding: responding, nodesTotal: connected,
                    regions: [], status: status ?? ClusterView.apiStatus(enabled: enabled, responding: responding,
                                                                        connected: connected))
    }

    func node(_ name: String, _ view: ClusterView?, state: NodeState = .up, version: String? = "0.2.0") -> NodeStatus {
        NodeStatus(name: name, url: "http://127.0.0.1/\(name)", state: state, lastSuccessMs: t0, version: version,
                   cluster: view)
    }

    func snapshot(_ nodes: [NodeStatus], expected: Int? = nil, partition: Bool = false) -> ClusterSnapshot {
        let responding = nodes.filter { $0.state == .up }.count
        let total = max(nodes.count, expected ?? 0)
        return ClusterSnapshot(generatedAtMs: t0, coverage: Coverage(
            responding: responding, total: total, status: CoverageRules.status(responding: responding, total: total),
            quorum: responding * 2 > total, partitionSuspected: partition), nodes: nodes, chains: [])
    }

    // MARK: a node's own view

    func testHealthyClusterHasNoFindings() {
        let verdicts = ClusterVerdicts.judge([node("iad-1", view(3, 3)), node("fra-1", view(3, 3)), node("sin-1", view(3, 3))])
        XCTAssertEqual(verdicts.responding, 3)
        XCTAssertFalse(verdicts.notFormed)
        XCTAssertEqual(verdicts.nodeViews, [])
        let check = CheckVerdict.evaluate(snapshot([node("iad-1", view(3, 3)), node("fra-1", view(3, 3)),
                                                    node("sin-1", view(3, 3))]), minCoverage: nil, alerts: false)
        XCTAssertEqual(check.failures, [])
        XCTAssertEqual(check.exitCode, 0)
        XCTAssertEqual(check.okLine, "OK coverage: 3/3 nodes responding")
    }

    func testCriticalOwnViewFailsWithExitTwoBesideHealthyNodes() {
        let nodes = [node("iad-1", view(4, 4)), node("fra-1", view(1, 4)), node("sin-1", view(4, 4)), node("sjc-1", view(4, 4))]
        let verdicts = ClusterVerdicts.judge(nodes)
        XCTAssertEqual(verdicts.nodeViews.map(\.node), ["fra-1"])
        XCTAssertTrue(verdicts.nodeViews[0].critical)
        let check = CheckVerdict.evaluate(snapshot(nodes), minCoverage: nil, alerts: false)
        XCTAssertEqual(check.failures, ["FAIL node fra-1: its cluster view 1/4 (critical)"])
        XCTAssertEqual(check.exitCode, 2)
    }

    func testDegradedOwnViewFailsWithExitOne() {
        let nodes = [node("iad-1", view(3, 3)), node("fra-1", view(2, 3)), node("sin-1", view(3, 3))]
        let check = CheckVerdict.evaluate(snapshot(nodes), minCoverage: nil, alerts: false)
        XCTAssertEqual(check.failures, ["FAIL node fra-1: its cluster view 2/3 (degraded)"])
        XCTAssertEqual(check.exitCode, 1)
    }

    func testOwnViewAloneIsJudged() {
        // One node watched, and it says it is critical: nothing healthy beside it to compare with.
        let check = CheckVerdict.evaluate(snapshot([node("fra-1", view(1, 4))]), minCoverage: nil, alerts: false)
        XCTAssertEqual(check.failures, ["FAIL node fra-1: its cluster view 1/4 (critical)"])
        XCTAssertEqual(check.exitCode, 2)
    }

    func testNodeSeeingFewerThanLassotopFailsWithExitOne() {
        // fra-1 is connected only to sin-1 and itself (2/2 healthy in its own eyes), lassotop sees 3 responding.
        let nodes = [node("iad-1", view(3, 3)), node("fra-1", view(2, 2)), node("sin-1", view(3, 3))]
        let check = CheckVerdict.evaluate(snapshot(nodes), minCoverage: nil, alerts: false)
        XCTAssertEqual(check.failures, ["FAIL node fra-1: its cluster view 2/2 (healthy), fewer than the 3 nodes responding to lassotop"])
        XCTAssertEqual(check.exitCode, 1)
    }

    func testDownAndStandaloneNodesAreNotNodeViewFindings() {
        let nodes = [node("iad-1", view(2, 2)), node("fra-1", view(2, 2)), node("sin-1", view(1, 3), state: .down),
                     node("sjc-1", view(1, 1, enabled: false))]
        let verdicts = ClusterVerdicts.judge(nodes)
        XCTAssertEqual(verdicts.responding, 3)
        // iad/fra see 2 of the 3 responding (sjc-1 is standalone and not in their cluster): they see fewer.
        XCTAssertEqual(verdicts.nodeViews.map(\.node), ["iad-1", "fra-1"])
        XCTAssertNil(verdicts.finding(for: "sjc-1"), "standalone has its own rule")
        XCTAssertNil(verdicts.finding(for: "sin-1"), "a down node's last view is not its current view")
    }

    // MARK: cluster not formed

    func testEveryNodeSeeingOnlyItselfIsNotFormed() {
        let nodes = [node("iad-1", view(1, 1)), node("fra-1", view(1, 1)), node("sin-1", view(1, 1))]
        let verdicts = ClusterVerdicts.judge(nodes)
        XCTAssertTrue(verdicts.notFormed)
        XCTAssertEqual(verdicts.nodeViews, [], "one cluster verdict, not three node lines")
        let check = CheckVerdict.evaluate(snapshot(nodes, partition: true), minCoverage: nil, alerts: false)
        XCTAssertEqual(check.failures, ["FAIL cluster not formed: every node sees only itself (3 responding)"])
        XCTAssertEqual(check.exitCode, 2)
    }

    func testNotFormedNeedsTwoRespondingClusteredNodes() {
        XCTAssertFalse(ClusterVerdicts.judge([node("iad-1", view(1, 1))]).notFormed, "one node alone is a cluster of 1")
        XCTAssertFalse(ClusterVerdicts.judge([node("iad-1", view(1, 1)), node("fra-1", view(1, 1), state: .down)]).notFormed)
        XCTAssertFalse(ClusterVerdicts.judge([node("iad-1", view(1, 1)), node("fra-1", view(1, 1, enabled: false))]).notFormed,
                       "a standalone fallback node is not running clustering")
        XCTAssertFalse(ClusterVerdicts.judge([node("iad-1", view(1, 1)), node("fra-1", view(2, 2))]).notFormed)
        XCTAssertTrue(ClusterVerdicts.judge([node("iad-1", view(1, 1)), node("fra-1", view(1, 1)),
                                             node("sin-1", nil, state: .down)]).notFormed)
    }

    // MARK: versions

    func testVersionSkewSummaryCountsRespondingNodesOldestFirst() {
        let nodes = [node("iad-1", view(4, 4), version: "0.3.0"), node("fra-1", view(4, 4), version: "0.2.0"),
                     node("sin-1", view(4, 4), version: "0.2.0"), node("sjc-1", view(4, 4), state: .down, version: "0.1.0"),
                     node("gru-1", view(4, 4), version: nil)]
        let verdicts = ClusterVerdicts.judge(nodes)
        XCTAssertEqual(verdicts.versions, [VersionCount(version: "0.2.0", nodes: 2), VersionCount(version: "0.3.0", nodes: 1)])
        XCTAssertEqual(verdicts.versionSummary, "versions 0.2.0×2 0.3.0×1")
        XCTAssertNil(ClusterVerdicts.judge([node("iad-1", view(1, 1)), node("fra-1", view(1, 1))]).versionSummary,
                     "one version: no skew")
    }

    func testVersionsOrderNumericallyAndAreSanitized() {
        XCTAssertTrue(VersionOrder.less("0.9.0", "0.10.0"))
        XCTAssertFalse(VersionOrder.less("0.10.0", "0.9.0"))
        let verdicts = ClusterVerdicts.judge([node("iad-1", view(2, 2), version: "0.10.0"),
                                              node("fra-1", view(2, 2), version: "0.9.0\u{1B}[31m")])
        XCTAssertEqual(verdicts.versionSummary?.contains("\u{1B}"), false)
        XCTAssertTrue(verdicts.versionSummary!.hasPrefix("versions 0.9.0"))
    }

    func testVersionChangeIsAFeedEntry() {
        let before = [node("iad-1", view(2, 2), version: "0.2.0"), node("fra-1", view(2, 2), state: .down, version: "0.2.0")]
        let after = [node("iad-1", view(2, 2), version: "0.2.0"), node("fra-1", view(2, 2), version: "0.3.0")]
        let events = VersionChanges.events(previousNodes: before, nodes: after, nowMs: t0)
        XCTAssertEqual(events.map(\.message), ["node fra-1 version 0.2.0 → 0.3.0"])
        XCTAssertEqual(events.first?.sourceNodeID, "fra-1")
        XCTAssertEqual(events.first?.reason, "version")
        XCTAssertEqual(VersionChanges.events(previousNodes: [node("iad-1", nil, state: .pending, version: nil)],
                                             nodes: [node("iad-1", view(1, 1))], nowMs: t0), [],
                       "the first answer is not a change")
    }

    // MARK: partition hold

    func testDefaultHoldIsThreeIntervalsAndAtLeastFiveSeconds() {
        XCTAssertEqual(PartitionHold.defaultHoldMs(healthIntervalMs: 2_000), 6_000)
        XCTAssertEqual(PartitionHold.defaultHoldMs(healthIntervalMs: 1_000), 5_000)
        XCTAssertEqual(PartitionHold.defaultHoldMs(healthIntervalMs: 500), 5_000)
        XCTAssertEqual(AlertConfig().partitionHold(healthIntervalMs: 2_000), 6_000)
        XCTAssertEqual(try AlertConfig.applying(overrides: ["partition.hold_seconds": 12]).partitionHold(healthIntervalMs: 2_000),
                       12_000)
    }

    func testViewsChangingOneAfterAnotherNeverRaiseIt() {
        // A node leaves: lassotop sees it go at 0.4 s, the others' views drop 3 → 2 at 1.0 s and 2.5 s, evaluated
        // every 200 ms (the publisher's rate).
        var hold = PartitionHold()
        let all: Set = ["iad-1", "fra-1", "sin-1"], two: Set = ["iad-1", "fra-1"]
        for step in 0...100 {
            let ms = Int64(step) * 200
            let responding = ms < 400 ? all : two
            let iad = ms < 1_000 ? 3 : 2, fra = ms < 2_500 ? 3 : 2
            let disagree = iad != fra
            XCTAssertFalse(hold.update(disagree: disagree, responding: responding, nowMs: t0 + ms, holdMs: 6_000),
                           "at \(ms) ms")
        }
    }

    func testDisagreementThatHoldsIsRaisedAtTheHoldNotBefore() {
        var hold = PartitionHold()
        let nodes: Set = ["iad-1", "fra-1", "sin-1"]
        XCTAssertFalse(hold.update(disagree: true, responding: nodes, nowMs: t0, holdMs: 6_000))
        XCTAssertFalse(hold.update(disagree: true, responding: nodes, nowMs: t0 + 5_999, holdMs: 6_000))
        XCTAssertTrue(hold.update(disagree: true, responding: nodes, nowMs: t0 + 6_000, holdMs: 6_000))
        XCTAssertTrue(hold.update(disagree: true, responding: nodes, nowMs: t0 + 60_000, holdMs: 6_000))
        XCTAssertFalse(hold.update(disagree: false, responding: nodes, nowMs: t0 + 61_000, holdMs: 6_000))
        XCTAssertFalse(hold.update(disagree: true, responding: nodes, nowMs: t0 + 62_000, holdMs: 6_000), "starts again")
    }

    func testAMembershipChangeRestartsTheHold() {
        var hold = PartitionHold()
        let all: Set = ["iad-1", "fra-1", "sin-1"]
        XCTAssertFalse(hold.update(disagree: true, responding: all, nowMs: t0, holdMs: 6_000))
        XCTAssertFalse(hold.update(disagree: true, responding: ["iad-1", "fra-1"], nowMs: t0 + 5_000, holdMs: 6_000))
        XCTAssertFalse(hold.update(disagree: true, responding: ["iad-1", "fra-1"], nowMs: t0 + 10_999, holdMs: 6_000))
        XCTAssertTrue(hold.update(disagree: true, responding: ["iad-1", "fra-1"], nowMs: t0 + 11_000, holdMs: 6_000))
    }

    func testDisagreementInputIgnoresANeverFormedCluster() {
        let notFormed = [node("iad-1", view(1, 1)), node("fra-1", view(1, 1))]
        XCTAssertFalse(PartitionHold.disagreement(nodes: notFormed, verdicts: ClusterVerdicts.judge(notFormed)))
        let split = [node("iad-1", view(2, 2)), node("fra-1", view(2, 2)), node("sin-1", view(1, 1))]
        XCTAssertTrue(PartitionHold.disagreement(nodes: split, verdicts: ClusterVerdicts.judge(split)))
    }

    // MARK: --min-coverage

    func testMinCoverageLetsTwoOfThreePass() {
        let nodes = [node("iad-1", view(2, 2)), node("fra-1", view(2, 2)), node("sin-1", nil, state: .down)]
        var withError = nodes
        withError[2].lastError = "connection refused"
        let check = CheckVerdict.evaluate(snapshot(withError), minCoverage: 0.6, alerts: false)
        XCTAssertEqual(check.failures, [])
        XCTAssertEqual(check.exitCode, 0)
        XCTAssertEqual(check.okLine, "OK coverage: 2/3 nodes responding (min-coverage 0.60; not responding: sin-1)")

        let strict = CheckVerdict.evaluate(snapshot(withError), minCoverage: 0.7, alerts: false)
        XCTAssertEqual(strict.failures, ["FAIL coverage: 2/3 nodes responding (0.67 < min-coverage 0.70)",
                                         "FAIL node sin-1: down (connection refused)"])
        XCTAssertEqual(strict.exitCode, 1)

        let byDefault = CheckVerdict.evaluate(snapshot(withError), minCoverage: nil, alerts: false)
        XCTAssertEqual(byDefault.failures.first, "FAIL coverage: 2/3 nodes responding (degraded)")
        XCTAssertEqual(byDefault.exitCode, 1)
    }

    func testMinCoverageNeverPassesAnOfflineCluster() {
        let nodes = [node("iad-1", nil, state: .down), node("fra-1", nil, state: .down)]
        let check = CheckVerdict.evaluate(snapshot(nodes), minCoverage: 0, alerts: false)
        XCTAssertEqual(check.exitCode, 2)
        XCTAssertEqual(check.failures.first, "FAIL coverage: 0/2 nodes responding (0.00 < min-coverage 0.00)")
    }

    func testMinCoverageDoesNotHideANodeViewFailure() {
        let nodes = [node("iad-1", view(2, 2)), node("fra-1", view(1, 2)), node("sin-1", nil, state: .down)]
        let check = CheckVerdict.evaluate(snapshot(nodes), minCoverage: 0.6, alerts: false)
        XCTAssertEqual(check.failures, ["FAIL node fra-1: its cluster view 1/2 (degraded)"])
        XCTAssertEqual(check.exitCode, 1)
    }

    // MARK: alerts

    func testNodeViewAlertIsAWarningPerNodeAfterItsHold() {
        var engine = AlertEngine()
        let nodes = [node("iad-1", view(3, 3)), node("fra-1", view(1, 4)), node("sin-1", view(3, 3))]
        var update = engine.evaluate(AlertSample(snapshot: snapshot(nodes), polls: []))
        XCTAssertEqual(update.active.map(\.rule), ["node_view"])
        XCTAssertEqual(update.active.first?.state, .pending)
        var later = snapshot(nodes)
        later.generatedAtMs = t0 + AlertConfig().nodeViewFor
        update = engine.evaluate(AlertSample(snapshot: later, polls: []))
        let alert = try! XCTUnwrap(update.transitions.first)
        XCTAssertEqual(alert.rule, "node_view")
        XCTAssertEqual(alert.level, .warning)
        XCTAssertEqual(alert.subject, "fra-1")
        XCTAssertEqual(alert.detail, "its cluster view 1/4 (critical)")
        XCTAssertEqual(alert.feedEvent().sourceNodeID, "fra-1")
    }

    func testClusterNotFormedIsCriticalAndNotAPartition() {
        var engine = AlertEngine()
        let nodes = [node("iad-1", view(1, 1)), node("fra-1", view(1, 1)), node("sin-1", view(1, 1))]
        var current = snapshot(nodes, partition: true)
        var fired: [Alert] = []
        for step in 0...60 {
            current.generatedAtMs = t0 + Int64(step) * 2_000
            fired += engine.evaluate(AlertSample(snapshot: current, polls: [])).transitions
        }
        XCTAssertEqual(fired.map(\.rule), ["cluster_not_formed"])
        XCTAssertEqual(fired.first?.level, .critical)
        XCTAssertEqual(fired.first?.firingSinceMs, t0 + AlertConfig().clusterNotFormedFor)
        XCTAssertEqual(fired.first?.summary(now: t0 + 10_000),
                       "CRITICAL cluster_not_formed: every node sees only itself (3 responding) for 10s")
    }

    func testNewSettingsParse() throws {
        let config = try AlertConfig.applying(overrides: ["cluster_not_formed.for_seconds": 30, "node_view.for_seconds": 5,
                                                          "node_view.enabled": 0])
        XCTAssertEqual(config.clusterNotFormedFor, 30_000)
        XCTAssertEqual(config.nodeViewFor, 5_000)
        XCTAssertFalse(config.isEnabled(.nodeView))
        XCTAssertThrowsError(try AlertConfig.applying(overrides: ["partition.hold_seconds": -1]))
    }
}
