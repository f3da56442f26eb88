import XCTest
@testable import LassoCore

/// `AlertConfig.applying(overrides:)` (the config file's `[alerts]` table) and the text of alerts: summaries,
/// durations, feed entries.
final class AlertConfigAndTextTests: XCTestCase {
    let t0: Int64 = 1_700_000_000_000

    func testDefaultsAreTheSeedNumbers() {
        let config = AlertConfig()
        XCTAssertEqual(config.coverageBelowExpectedFor, 120_000)
        XCTAssertEqual(config.coverageAllowedMissing, 1)
        XCTAssertEqual(config.pollLatencyP95Ms, 2_000)
        XCTAssertEqual(config.pollLatencyWindowMs, 300_000)
        XCTAssertEqual(config.pollSuccessRateMin, 0.8)
        XCTAssertEqual(config.pollSuccessWindowMs, 300_000)
        XCTAssertEqual(config.offlineFor, 30_000)
        XCTAssertEqual(config.providerSuccessMin, 0.8)
        XCTAssertEqual(config.providerMinCallsPerMinute, 100)
        XCTAssertEqual(config.cacheHitRateMin, 0.5)
        XCTAssertEqual(config.cacheHitRateFor, 600_000)
        XCTAssertEqual(config.eventRateMax, 150)
        XCTAssertEqual(config.eventRateFor, 300_000)
        XCTAssertEqual(config.maxFlaps, 5)
        XCTAssertEqual(config.flapWindowMs, 600_000)
        XCTAssertEqual(config.partitionFor, 60_000)
        XCTAssertEqual(config.standaloneFor, 0)
        XCTAssertEqual(config.evaluationPeriodMs, 2_000)
        XCTAssertTrue(AlertRule.allCases.allSatisfy(config.isEnabled))
        XCTAssertEqual(try AlertConfig.applying(overrides: [:]), config)
    }

    func testEveryDocumentedKeyChangesTheConfig() throws {
        for key in AlertConfig.overrideKeys {
            // A value different from every default in its unit: 0 for enabled flags (defaults are on), 2 for counts.
            let counts: Set<String> = ["coverage.allowed_missing", "poll_window.min_polls", "flaps.max"]
            let value = key.hasSuffix(".enabled") ? 0.0 : counts.contains(key) ? 2 : 0.25
            let changed = try AlertConfig.applying(overrides: [key: value])
            XCTAssertNotEqual(changed, AlertConfig(), "\(key) had no effect")
        }
        XCTAssertEqual(Set(AlertConfig.overrideKeys).count, AlertConfig.overrideKeys.count)
    }

    func testEveryOverrideKeyIsDocumented() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/alerts.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for key in AlertConfig.overrideKeys where !key.hasSuffix(".enabled") {
            XCTAssertTrue(text.contains("`\(key)`"), "\(key) missing from docs/alerts.md")
        }
        for rule in AlertRule.allCases {
            XCTAssertTrue(text.contains("`\(rule.rawValue)`"), "rule \(rule.rawValue) missing from docs/alerts.md")
        }
    }

    func testOverridesConvertUnits() throws {
        let config = try AlertConfig.applying(overrides: [
            "coverage.for_seconds": 60, "poll_latency.p95_ms": 1_500, "poll_success.window_seconds": 120.5,
            "flaps.max": 3, "cache_hit_rate.min_rate": 0.25, "evaluation.period_seconds": 5, "partition.enabled": 0,
        ])
        XCTAssertEqual(config.coverageBelowExpectedFor, 60_000)
        XCTAssertEqual(config.pollLatencyP95Ms, 1_500)
        XCTAssertEqual(config.pollSuccessWindowMs, 120_500)
        XCTAssertEqual(config.maxFlaps, 3)
        XCTAssertEqual(config.cacheHitRateMin, 0.25)
        XCTAssertEqual(config.evaluationPeriodMs, 5_000)
        XCTAssertFalse(config.isEnabled(.partition))
        XCTAssertTrue(try config.applying(overrides: ["partition.enabled": 1]).isEnabled(.partition))
    }

    func testBadOverridesNameTheKey() {
        XCTAssertThrowsError(try AlertConfig.applying(overrides: ["coverage.for_minutes": 2])) { error in
            XCTAssertEqual(error as? AlertConfigError, .unknownKey("coverage.for_minutes"))
            XCTAssertTrue(String(describing: error).contains("coverage.for_minutes"))
        }
        XCTAssertThrowsError(try AlertConfig.applying(overrides: ["nonsense.enabled": 0])) { error in
            XCTAssertEqual(error as? AlertConfigError, .unknownKey("nonsense.enabled"))
        }
        let invalid: [(String, Double)] = [
            ("poll_success.min_rate", 80), ("coverage.for_seconds", -1), ("flaps.max", 2.5),
            ("flaps.window_seconds", 0), ("offline.enabled", 2), ("event_rate.max_per_second", .nan),
        ]
        for (key, value) in invalid {
            XCTAssertThrowsError(try AlertConfig.applying(overrides: [key: value]), key) { error in
                guard case .invalidValue(let named, _, _)? = error as? AlertConfigError else {
                    return XCTFail("\(key): \(error)")
                }
                XCTAssertEqual(named, key)
            }
        }
    }

    // MARK: text

    func testDurationFormat() {
        XCTAssertEqual(AlertFormat.duration(ms: 0), "0s")
        XCTAssertEqual(AlertFormat.duration(ms: 59_999), "59s")
        XCTAssertEqual(AlertFormat.duration(ms: 60_000), "1m00s")
        XCTAssertEqual(AlertFormat.duration(ms: 125_000), "2m05s")
        XCTAssertEqual(AlertFormat.duration(ms: 3_599_999), "59m59s")
        XCTAssertEqual(AlertFormat.duration(ms: 3_720_000), "1h02m")
        XCTAssertEqual(AlertFormat.duration(ms: -5_000), "0s")
    }

    func testSummaryAndFeedEntriesAcrossTheLifecycle() throws {
        var engine = AlertEngine()
        func sample(_ now: Int64, _ responding: Int) -> AlertSample {
            AlertSample(nowMs: now, respondingNodes: responding, expectedNodes: 3)
        }
        let pending = try XCTUnwrap(engine.evaluate(sample(t0, 1)).active.first)
        XCTAssertEqual(pending.summary(now: t0 + 30_000),
                       "CRITICAL coverage (pending): 1 of 3 nodes responding (threshold < 2) for 30s")

        let fired = try XCTUnwrap(engine.evaluate(sample(t0 + 120_000, 1)).transitions.first)
        XCTAssertEqual(fired.summary(now: t0 + 125_000),
                       "CRITICAL coverage: 1 of 3 nodes responding (threshold < 2) for 2m05s")
        XCTAssertEqual(fired.durationMs(now: t0 + 125_000), 125_000)
        XCTAssertEqual(fired.valueText, "1")
        XCTAssertEqual(fired.thresholdText, "< 2")
        XCTAssertEqual(fired.explanation, AlertRule.coverage.explanation(AlertConfig()))
        XCTAssertTrue(fired.explanation.contains("2m00s"), fired.explanation)

        let firingEntry = fired.feedEvent()
        XCTAssertEqual(firingEntry.kind, .cluster)
        XCTAssertEqual(firingEntry.ts, t0 + 120_000)
        XCTAssertEqual(firingEntry.severity, .critical)
        XCTAssertEqual(firingEntry.reason, "coverage")
        XCTAssertEqual(firingEntry.message, "alert firing: CRITICAL coverage: 1 of 3 nodes responding (threshold < 2) for 2m00s")
        XCTAssertTrue(firingEntry.isError)

        _ = engine.evaluate(sample(t0 + 190_000, 3))
        let resolved = try XCTUnwrap(engine.evaluate(sample(t0 + 192_000, 3)).transitions.first)
        XCTAssertEqual(resolved.summary(now: t0 + 999_000),
                       "CRITICAL coverage (resolved): 3 of 3 nodes responding (threshold < 2) after 3m12s")
        let resolvedEntry = resolved.feedEvent()
        XCTAssertEqual(resolvedEntry.ts, t0 + 192_000)
        XCTAssertEqual(resolvedEntry.severity, .info)
        XCTAssertFalse(resolvedEntry.isError)
        XCTAssertEqual(resolvedEntry.message?.hasPrefix("alert resolved: CRITICAL coverage (resolved): "), true)
    }

    func testValueAndThresholdTextPerRule() {
        let cases: [(AlertRule, Double, Double, String, String?)] = [
            // Same formatter per unit as the TUI's latency and rate columns (Units).
            (.pollLatency, 2_310, 2_000, "2.3s", "> 2.0s"),
            (.pollLatency, 430, 300, "430ms", "> 300ms"),
            (.pollSuccess, 0.725, 0.8, "72.5%", "< 80.0%"),
            (.offline, 0, 1, "0", "< 1"),
            (.providerSuccess, 0.61, 0.8, "61.0%", "< 80.0%"),
            (.cacheHitRate, 0.41, 0.5, "41.0%", "< 50.0%"),
            (.eventRate, 180.54, 150, "181/s", "> 150/s"),
            (.eventRate, 12.34, 15, "12.3/s", "> 15.0/s"),
            (.flaps, 6, 5, "6", "> 5"),
            (.partition, 1, 1, "yes", nil),
            (.standalone, 1, 1, "yes", nil),
        ]
        for (rule, value, threshold, valueText, thresholdText) in cases {
            let alert = Alert(rule: rule.rawValue, level: rule.level, state: .firing, startedAtMs: t0, value: value,
                              threshold: threshold, explanation: "")
            XCTAssertEqual(alert.valueText, valueText, rule.rawValue)
            XCTAssertEqual(alert.thresholdText, thresholdText, rule.rawValue)
        }
        let partition = Alert(rule: "partition", level: .warning, state: .firing, startedAtMs: t0, value: 1, threshold: 1,
                              explanation: "", detail: "responding nodes disagree on how many nodes are connected")
        XCTAssertEqual(partition.summary(now: t0 + 61_000),
                       "WARNING partition: responding nodes disagree on how many nodes are connected for 1m01s")
        let provider = Alert(rule: "provider_success", level: .critical, state: .firing, startedAtMs: t0, value: 0.5,
                             threshold: 0.8, explanation: "", subject: "base/drpc", detail: "50.0% success on 300 calls/min")
        XCTAssertEqual(provider.summary(now: t0),
                       "CRITICAL provider_success base/drpc: 50.0% success on 300 calls/min (threshold < 80.0%) for 0s")
    }

    func testEveryRuleHasAnExplanationThatFollowsTheConfig() throws {
        let shortened = try AlertConfig.applying(overrides: ["partition.for_seconds": 90, "flaps.max": 9])
        for rule in AlertRule.allCases {
            XCTAssertGreaterThan(rule.explanation(AlertConfig()).count, 40, rule.rawValue)
            XCTAssertTrue(rule.explanation(AlertConfig()).allSatisfy(\.isASCII), "\(rule.rawValue) explanation is ASCII")
        }
        XCTAssertTrue(AlertRule.partition.explanation(shortened).contains("1m30s"))
        XCTAssertTrue(AlertRule.flaps.explanation(shortened).contains("More than 9 node flaps"))
    }
}
