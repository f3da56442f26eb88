import XCTest
@testable import LassoCore

/// Drives `AlertEngine` with a fake clock (plain Int64 ms) through each rule's pending → firing → resolved
/// transitions, at the exact boundaries. Hold rule: fires when `now − startedAt ≥ duration`.
final class AlertEngineTests: XCTestCase {
    let t0: Int64 = 1_700_000_000_000

    /// A healthy 3-node cluster at `now`; tests change the field under test.
    func healthy(_ now: Int64) -> AlertSample {
        AlertSample(nowMs: now, respondingNodes: 3, expectedNodes: 3, cacheHitRate: 0.9, eventRate: 10)
    }

    func coverage(_ now: Int64, responding: Int) -> AlertSample {
        var sample = healthy(now)
        sample.respondingNodes = responding
        return sample
    }

    func states(_ update: AlertUpdate, _ rule: AlertRule) -> [Alert.State] {
        update.active.filter { $0.rule == rule.rawValue }.map(\.state)
    }

    // MARK: coverage (critical, 2 min)

    func testCoverageFiresAtExactlyTwoMinutesNotOneMsEarlier() {
        var engine = AlertEngine()
        var update = engine.evaluate(coverage(t0, responding: 1))
        XCTAssertEqual(states(update, .coverage), [.pending])
        XCTAssertEqual(update.active.first?.startedAtMs, t0)
        XCTAssertTrue(update.transitions.isEmpty, "pending is not a transition")

        update = engine.evaluate(coverage(t0 + 119_000, responding: 1))   // 1:59
        XCTAssertEqual(states(update, .coverage), [.pending])
        update = engine.evaluate(coverage(t0 + 119_999, responding: 1))
        XCTAssertEqual(states(update, .coverage), [.pending])
        XCTAssertEqual(engine.firingCounts.critical, 0)

        update = engine.evaluate(coverage(t0 + 120_000, responding: 1))   // 2:00
        XCTAssertEqual(states(update, .coverage), [.firing])
        XCTAssertEqual(update.transitions.map(\.rule), ["coverage"])
        XCTAssertEqual(update.transitions.first?.state, .firing)
        XCTAssertEqual(update.transitions.first?.firingSinceMs, t0 + 120_000)
        XCTAssertEqual(update.transitions.first?.startedAtMs, t0)
        XCTAssertEqual(update.transitions.first?.value, 1)
        XCTAssertEqual(update.transitions.first?.threshold, 2)
        XCTAssertEqual(update.transitions.first?.detail, "1 of 3 nodes responding")
        XCTAssertEqual(engine.firingCounts.critical, 1)

        update = engine.evaluate(coverage(t0 + 121_000, responding: 1))   // 2:01
        XCTAssertEqual(states(update, .coverage), [.firing])
        XCTAssertTrue(update.transitions.isEmpty, "firing is reported once")
    }

    func testCoverageConditionIsStrictlyBelowExpectedMinusOne() {
        var engine = AlertEngine()
        for step in 0...70 {   // 2m20s at the 2 s health interval
            let update = engine.evaluate(coverage(t0 + Int64(step) * 2_000, responding: 2))
            XCTAssertTrue(update.active.isEmpty, "2 of 3 is expected - 1: not an alert (step \(step))")
        }
        var small = AlertEngine()
        let update = small.evaluate(AlertSample(nowMs: t0, respondingNodes: 1, expectedNodes: 2))
        XCTAssertTrue(states(update, .coverage).isEmpty, "1 of 2 is expected - 1")
    }

    func testCoverageResolvesOnlyAfterOneClearEvaluationPeriod() throws {
        var engine = AlertEngine()
        _ = engine.evaluate(coverage(t0, responding: 0 + 1))
        _ = engine.evaluate(coverage(t0 + 120_000, responding: 1))
        let clearAt = t0 + 130_000

        var update = engine.evaluate(coverage(clearAt, responding: 3))
        XCTAssertEqual(states(update, .coverage), [.firing], "clear for 0 ms: still firing")
        XCTAssertEqual(update.active.first?.detail, "3 of 3 nodes responding", "shows the value that is clearing it")
        XCTAssertTrue(update.transitions.isEmpty)

        update = engine.evaluate(coverage(clearAt + 1_999, responding: 3))
        XCTAssertEqual(states(update, .coverage), [.firing])

        update = engine.evaluate(coverage(clearAt + 2_000, responding: 3))
        XCTAssertTrue(update.active.isEmpty)
        XCTAssertEqual(update.transitions.count, 1)
        let resolved = try XCTUnwrap(update.transitions.first)
        XCTAssertEqual(resolved.state, .resolved)
        XCTAssertEqual(resolved.resolvedAtMs, clearAt + 2_000)
        XCTAssertEqual(resolved.startedAtMs, t0)
        XCTAssertEqual(resolved.durationMs(now: clearAt + 99_000), clearAt + 2_000 - t0, "resolved duration is frozen")
        XCTAssertEqual(engine.firingCounts.critical, 0)

        update = engine.evaluate(coverage(clearAt + 4_000, responding: 3))
        XCTAssertTrue(update.transitions.isEmpty, "resolved is reported once, then dropped")
        XCTAssertTrue(update.active.isEmpty)
    }

    func testFiringAlertDoesNotFlapWhenConditionReturnsWithinThePeriod() {
        var engine = AlertEngine()
        _ = engine.evaluate(coverage(t0, responding: 1))
        _ = engine.evaluate(coverage(t0 + 120_000, responding: 1))
        let t1 = t0 + 200_000
        var transitions: [Alert] = []
        transitions += engine.evaluate(coverage(t1, responding: 3)).transitions          // clear since t1
        transitions += engine.evaluate(coverage(t1 + 1_000, responding: 1)).transitions  // true again
        transitions += engine.evaluate(coverage(t1 + 2_000, responding: 3)).transitions  // clear since t1+2000
        var update = engine.evaluate(coverage(t1 + 3_999, responding: 3))
        transitions += update.transitions
        XCTAssertTrue(transitions.isEmpty, "true/false/true inside one period neither resolves nor refires")
        XCTAssertEqual(states(update, .coverage), [.firing])
        XCTAssertEqual(update.active.first?.startedAtMs, t0, "the original alert continues")

        update = engine.evaluate(coverage(t1 + 4_000, responding: 3))
        XCTAssertEqual(update.transitions.map(\.state), [.resolved])
    }

    func testPendingThatClearsIsDroppedSilentlyAndRestartsItsClock() {
        var engine = AlertEngine()
        _ = engine.evaluate(coverage(t0, responding: 1))
        var update = engine.evaluate(coverage(t0 + 60_000, responding: 3))
        XCTAssertTrue(update.active.isEmpty)
        XCTAssertTrue(update.transitions.isEmpty, "a pending alert that clears was never fired: nothing to report")

        let restart = t0 + 62_000
        update = engine.evaluate(coverage(restart, responding: 1))
        XCTAssertEqual(update.active.first?.startedAtMs, restart)
        update = engine.evaluate(coverage(t0 + 120_000, responding: 1))
        XCTAssertEqual(states(update, .coverage), [.pending], "the earlier stretch does not count")
        update = engine.evaluate(coverage(restart + 119_999, responding: 1))
        XCTAssertEqual(states(update, .coverage), [.pending])
        update = engine.evaluate(coverage(restart + 120_000, responding: 1))
        XCTAssertEqual(states(update, .coverage), [.firing])
    }

    func testZeroEvaluationPeriodResolvesAtTheFirstClearEvaluation() throws {
        var engine = AlertEngine(config: try AlertConfig.applying(overrides: ["evaluation.period_seconds": 0]))
        _ = engine.evaluate(coverage(t0, responding: 1))
        _ = engine.evaluate(coverage(t0 + 120_000, responding: 1))
        let update = engine.evaluate(coverage(t0 + 122_000, responding: 3))
        XCTAssertEqual(update.transitions.map(\.state), [.resolved])
    }

    // MARK: offline (critical, 30 s)

    func testOfflineFiresAfterThirtySeconds() {
        var engine = AlertEngine()
        var update = engine.evaluate(coverage(t0, responding: 0))
        XCTAssertEqual(states(update, .offline), [.pending])
        XCTAssertEqual(states(update, .coverage), [.pending])
        update = engine.evaluate(coverage(t0 + 29_999, responding: 0))
        XCTAssertEqual(states(update, .offline), [.pending])
        update = engine.evaluate(coverage(t0 + 30_000, responding: 0))
        XCTAssertEqual(states(update, .offline), [.firing])
        XCTAssertEqual(states(update, .coverage), [.pending], "coverage keeps its own 2-minute clock")
        XCTAssertEqual(update.transitions.map(\.rule), ["offline"])

        update = engine.evaluate(coverage(t0 + 32_000, responding: 1))
        XCTAssertEqual(states(update, .offline), [.firing], "one node back: clearing, not yet resolved")
        update = engine.evaluate(coverage(t0 + 34_000, responding: 1))
        XCTAssertEqual(update.transitions.map(\.rule), ["offline"])
        XCTAssertEqual(update.transitions.first?.state, .resolved)
        XCTAssertEqual(states(update, .coverage), [.pending], "1 of 3 is still below expected - 1")
    }

    func testOneRespondingNodeIsNotOffline() {
        var engine = AlertEngine()
        for step in 0...20 {
            let update = engine.evaluate(coverage(t0 + Int64(step) * 2_000, responding: 1))
            XCTAssertTrue(states(update, .offline).isEmpty)
        }
    }

    // MARK: poll latency p95 (critical, 5-minute window)

    /// One poll per 2 s evaluation from `start` to `end` inclusive, every poll with the latency `latency(t)`.
    @discardableResult
    func runPolls(_ engine: inout AlertEngine, from start: Int64, to end: Int64, step: Int64 = 2_000,
                  ok: (Int64) -> Bool = { _ in true }, latency: (Int64) -> Double = { _ in 50 }) -> [AlertUpdate] {
        var updates: [AlertUpdate] = []
        var now = start
        while now <= end {
            var sample = healthy(now)
            sample.polls = [PollObservation(atMs: now, latencyMs: latency(now), ok: ok(now), node: "iad-1")]
            updates.append(engine.evaluate(sample))
            now += step
        }
        return updates
    }

    func testSlowPollsAtStartupDoNotPageBeforeOneMinuteOfData() {
        var engine = AlertEngine()
        let early = runPolls(&engine, from: t0, to: t0 + 58_000, latency: { _ in 5_000 })
        XCTAssertTrue(early.allSatisfy { states($0, .pollLatency).isEmpty }, "30 slow polls but less than 1 min of data")
        let update = engine.evaluate({
            var sample = healthy(t0 + 60_000)
            sample.polls = [PollObservation(atMs: t0 + 60_000, latencyMs: 5_000, ok: true)]
            return sample
        }())
        XCTAssertEqual(states(update, .pollLatency), [.firing], "no hold duration: fires once the window is ready")
        XCTAssertEqual(update.transitions.first?.value, 5_000)
        XCTAssertEqual(update.transitions.first?.detail, "poll p95 5.0s over 5m00s, 31 polls")
    }

    func testLatencyWindowNeedsTheMinimumNumberOfPolls() {
        var engine = AlertEngine()
        // One poll every 10 s: at +60 s there are 7 polls, the 10th arrives at +90 s.
        let updates = runPolls(&engine, from: t0, to: t0 + 90_000, step: 10_000, latency: { _ in 3_000 })
        XCTAssertTrue(updates.dropLast().allSatisfy { states($0, .pollLatency).isEmpty })
        XCTAssertEqual(states(updates.last!, .pollLatency), [.firing])
    }

    func testLatencyP95ThresholdIsStrictlyAbove() {
        // 100 polls in one sample; nearest-rank p95 is the 95th smallest.
        func p95Update(slowCount: Int, slowLatency: Double) -> AlertUpdate {
            var engine = AlertEngine()
            var first = healthy(t0)
            first.polls = [PollObservation(atMs: t0, latencyMs: 10, ok: true)]
            _ = engine.evaluate(first)
            var sample = healthy(t0 + 60_000)
            sample.polls = (0..<100).map { index in
                PollObservation(atMs: t0 + 1_000 + Int64(index) * 500, latencyMs: index < slowCount ? slowLatency : 10, ok: true)
            }
            return engine.evaluate(sample)
        }
        XCTAssertTrue(states(p95Update(slowCount: 5, slowLatency: 9_000), .pollLatency).isEmpty,
                      "5 slow of 101: the 95th percentile is still fast")
        XCTAssertTrue(states(p95Update(slowCount: 20, slowLatency: 2_000), .pollLatency).isEmpty, "p95 = 2000 is not > 2000")
        XCTAssertEqual(states(p95Update(slowCount: 20, slowLatency: 2_001), .pollLatency), [.firing])
        XCTAssertEqual(states(p95Update(slowCount: 6, slowLatency: 9_000), .pollLatency), [.firing],
                       "6 slow of 101 reach the 95th percentile (rank ceil(101 * 0.95) = 96)")
    }

    func testSlowPollsFallOutOfTheFiveMinuteWindowAndTheAlertResolves() {
        var engine = AlertEngine()
        let slowUntil = t0 + 118_000   // 60 slow polls, then fast ones
        let updates = runPolls(&engine, from: t0, to: t0 + 480_000, latency: { $0 <= slowUntil ? 4_000 : 20 })
        let firedAt = updates.firstIndex { $0.transitions.contains { $0.rule == "poll_latency" && $0.state == .firing } }
        XCTAssertEqual(firedAt.map { t0 + Int64($0) * 2_000 }, t0 + 60_000)
        let resolvedAt = updates.firstIndex { $0.transitions.contains { $0.rule == "poll_latency" && $0.state == .resolved } }
        // The window holds 150 polls (rank ceil(150 * 0.95) = 143): p95 turns fast once at most 7 slow ones remain.
        // A poll at s leaves the window at s + 300 s, so at t0+404 s only t0+106…118 s remain: clear at t0+404 s,
        // resolved one evaluation period later.
        XCTAssertEqual(resolvedAt.map { t0 + Int64($0) * 2_000 }, t0 + 406_000)
        XCTAssertLessThanOrEqual(engine.retainedPollCount, 150, "only the window is kept")
    }

    // MARK: poll success (critical, 5-minute window)

    func testPollSuccessRateBelowEightyPercentFires() {
        func update(failedEveryNth n: Int, until end: Int64) -> AlertUpdate {
            var engine = AlertEngine()
            var counter = 0
            return runPolls(&engine, from: t0, to: end, ok: { _ in counter += 1; return counter % n != 0 }).last!
        }
        // 1 in 5 failing over 31 polls: 25 of 31 ok = 80.6% → fine. 1 in 4 failing: 24 of 31 = 77.4% → fires.
        XCTAssertTrue(states(update(failedEveryNth: 5, until: t0 + 60_000), .pollSuccess).isEmpty)
        let failing = update(failedEveryNth: 4, until: t0 + 60_000)
        XCTAssertEqual(states(failing, .pollSuccess), [.firing])
        XCTAssertEqual(failing.active.first { $0.rule == "poll_success" }?.detail, "poll success 77.4% over 5m00s, 24 of 31 polls ok")
    }

    func testPollSuccessAtExactlyEightyPercentDoesNotFire() {
        var engine = AlertEngine()
        var first = healthy(t0)
        first.polls = [PollObservation(atMs: t0, latencyMs: 5, ok: true)]
        _ = engine.evaluate(first)
        var sample = healthy(t0 + 60_000)
        // With the first poll: 20 of 25 ok = exactly 0.8.
        sample.polls = (0..<24).map { PollObservation(atMs: t0 + 2_000 + Int64($0) * 2_000, latencyMs: 5, ok: $0 >= 5) }
        XCTAssertTrue(states(engine.evaluate(sample), .pollSuccess).isEmpty)
        sample.nowMs = t0 + 62_000
        sample.polls = [PollObservation(atMs: t0 + 62_000, latencyMs: 5, ok: false)]   // 20 of 26
        XCTAssertEqual(states(engine.evaluate(sample), .pollSuccess), [.firing])
    }

    func testFailedPollsOlderThanTheWindowNoLongerCount() {
        var engine = AlertEngine()
        // Everything fails for the first 2 minutes, then everything succeeds.
        let updates = runPolls(&engine, from: t0, to: t0 + 500_000, ok: { $0 >= self.t0 + 120_000 })
        let fired = updates.firstIndex { $0.transitions.contains { $0.rule == "poll_success" && $0.state == .firing } }
        XCTAssertEqual(fired.map { t0 + Int64($0) * 2_000 }, t0 + 60_000)
        let resolved = updates.firstIndex { $0.transitions.contains { $0.rule == "poll_success" && $0.state == .resolved } }
        // 60 failures (t0 … t0+118 s); 150 polls in the window; rate ≥ 0.8 once ≤ 30 failures remain in it:
        // failures up to t0+58 s have left at t0+358 s → clear at t0+358 s, resolved at t0+360 s.
        XCTAssertEqual(resolved.map { t0 + Int64($0) * 2_000 }, t0 + 360_000)
    }

    // MARK: provider success (critical, only ≥ 100 calls/min)

    func providerSample(_ now: Int64, _ providers: [ProviderObservation]) -> AlertSample {
        var sample = healthy(now)
        sample.providers = providers
        return sample
    }

    func testProviderSuccessOnlyCountsBusyProviders() throws {
        var engine = AlertEngine()
        var update = engine.evaluate(providerSample(t0, [
            ProviderObservation(chain: "ethereum", providerID: "alchemy", successRate: 0.79, callsPerMinute: 100),
            ProviderObservation(chain: "ethereum", providerID: "quiet", successRate: 0.10, callsPerMinute: 99.9),
            ProviderObservation(chain: "base", providerID: "ok", successRate: 0.80, callsPerMinute: 5_000),
        ]))
        XCTAssertEqual(update.transitions.map(\.subject), ["ethereum/alchemy"], "fires at once; quiet and 0.80 do not")
        XCTAssertEqual(update.transitions.first?.state, .firing)
        XCTAssertEqual(update.transitions.first?.level, .critical)
        XCTAssertEqual(update.transitions.first?.detail, "79.0% success on 100 calls/min")

        let event = try XCTUnwrap(update.transitions.first).feedEvent()
        XCTAssertEqual(event.chain, "ethereum")
        XCTAssertEqual(event.providerID, "alchemy")
        XCTAssertEqual(event.reason, "provider_success")

        // Traffic drops under the floor: the condition clears, resolved one period later.
        let quieter = [ProviderObservation(chain: "ethereum", providerID: "alchemy", successRate: 0.5, callsPerMinute: 40)]
        update = engine.evaluate(providerSample(t0 + 2_000, quieter))
        XCTAssertEqual(update.active.map(\.state), [.firing])
        update = engine.evaluate(providerSample(t0 + 4_000, quieter))
        XCTAssertEqual(update.transitions.map(\.state), [.resolved])
        XCTAssertEqual(update.transitions.first?.subject, "ethereum/alchemy")
    }

    func testProvidersAreTrackedPerSubjectAndAVanishedProviderResolves() {
        var engine = AlertEngine()
        let bad = { (id: String) in ProviderObservation(chain: "ethereum", providerID: id, successRate: 0.5, callsPerMinute: 600) }
        var update = engine.evaluate(providerSample(t0, [bad("a"), bad("b")]))
        XCTAssertEqual(update.transitions.compactMap(\.subject), ["ethereum/a", "ethereum/b"])
        XCTAssertEqual(engine.firingCounts.critical, 2)
        _ = engine.evaluate(providerSample(t0 + 2_000, [bad("a")]))
        update = engine.evaluate(providerSample(t0 + 4_000, [bad("a")]))
        XCTAssertEqual(update.transitions.compactMap(\.subject), ["ethereum/b"])
        XCTAssertEqual(update.transitions.first?.state, .resolved)
        XCTAssertEqual(update.active.compactMap(\.subject), ["ethereum/a"])
    }

    // MARK: cache hit rate (warning, 10 min)

    func cacheSample(_ now: Int64, _ rate: Double?) -> AlertSample {
        var sample = healthy(now)
        sample.cacheHitRate = rate
        return sample
    }

    func testCacheHitRateBelowHalfForTenMinutes() {
        var engine = AlertEngine()
        XCTAssertTrue(engine.evaluate(cacheSample(t0, 0.5)).active.isEmpty, "exactly 50% is not below 50%")
        let start = t0 + 2_000
        XCTAssertEqual(states(engine.evaluate(cacheSample(start, 0.49)), .cacheHitRate), [.pending])
        XCTAssertEqual(states(engine.evaluate(cacheSample(start + 599_999, 0.3)), .cacheHitRate), [.pending])
        let update = engine.evaluate(cacheSample(start + 600_000, 0.3))
        XCTAssertEqual(states(update, .cacheHitRate), [.firing])
        XCTAssertEqual(update.transitions.first?.level, .warning)
        XCTAssertEqual(update.transitions.first?.value, 0.3)
        XCTAssertEqual(engine.firingCounts.warning, 1)
        XCTAssertEqual(engine.firingCounts.critical, 0)
    }

    func testUnknownCacheHitRateCountsAsClear() {
        var engine = AlertEngine()
        _ = engine.evaluate(cacheSample(t0, 0.1))
        _ = engine.evaluate(cacheSample(t0 + 600_000, 0.1))
        var update = engine.evaluate(cacheSample(t0 + 602_000, nil))
        XCTAssertEqual(states(update, .cacheHitRate), [.firing])
        XCTAssertEqual(update.active.first?.value, 0.1, "nothing measured: the last value stays")
        update = engine.evaluate(cacheSample(t0 + 604_000, nil))
        XCTAssertEqual(update.transitions.map(\.rule), ["cache_hit_rate"])
        XCTAssertEqual(update.transitions.first?.state, .resolved)
    }

    // MARK: event rate (warning, 5 min)

    func testEventRateAbove150SustainedForFiveMinutes() {
        var engine = AlertEngine()
        func sample(_ now: Int64, _ rate: Double) -> AlertSample {
            var sample = healthy(now)
            sample.eventRate = rate
            return sample
        }
        XCTAssertTrue(engine.evaluate(sample(t0, 150)).active.isEmpty, "150/s is not above 150/s")
        XCTAssertEqual(states(engine.evaluate(sample(t0 + 2_000, 150.1)), .eventRate), [.pending])
        XCTAssertEqual(states(engine.evaluate(sample(t0 + 301_999, 400)), .eventRate), [.pending])
        let update = engine.evaluate(sample(t0 + 302_000, 400))
        XCTAssertEqual(states(update, .eventRate), [.firing])
        XCTAssertEqual(update.transitions.first?.detail, "true event rate 400.0/s")
    }

    // MARK: flaps (warning, > 5 in 10 min)

    /// `counts` are `NodeStatus.flaps`: state changes, two per up/down cycle.
    func flapSample(_ now: Int64, _ counts: [String: Int]) -> AlertSample {
        var sample = healthy(now)
        sample.flapCounts = counts
        return sample
    }

    func testFiveFlapsInTenMinutesIsQuietSixFires() {
        var engine = AlertEngine()
        XCTAssertTrue(engine.evaluate(flapSample(t0, ["a": 6])).active.isEmpty)
        XCTAssertTrue(engine.evaluate(flapSample(t0 + 100_000, ["a": 6, "b": 4])).active.isEmpty, "5 cycles: not more than 5")
        XCTAssertTrue(engine.evaluate(flapSample(t0 + 150_000, ["a": 7, "b": 4])).active.isEmpty,
                      "a went down again but has not come back: not a 6th cycle yet")
        let update = engine.evaluate(flapSample(t0 + 200_000, ["a": 8, "b": 4]))
        XCTAssertEqual(states(update, .flaps), [.firing], "the 6th cycle fires at once")
        XCTAssertEqual(update.transitions.first?.value, 6)
        XCTAssertEqual(update.transitions.first?.detail, "6 flaps in 10m00s (a: 4, b: 2)")
    }

    func testFlapsOlderThanTenMinutesFallOut() {
        var engine = AlertEngine()
        _ = engine.evaluate(flapSample(t0, ["a": 6]))
        var update = engine.evaluate(flapSample(t0 + 300_000, ["a": 12]))
        XCTAssertEqual(states(update, .flaps), [.firing])
        update = engine.evaluate(flapSample(t0 + 599_999, ["a": 12]))
        XCTAssertEqual(states(update, .flaps), [.firing])
        XCTAssertEqual(update.active.first?.value, 6)
        update = engine.evaluate(flapSample(t0 + 600_000, ["a": 12]))
        XCTAssertEqual(update.active.first?.value, 3, "the 3 flaps seen at t0 are 10 minutes old and gone")
        XCTAssertEqual(states(update, .flaps), [.firing], "clearing")
        update = engine.evaluate(flapSample(t0 + 602_000, ["a": 12]))
        XCTAssertEqual(update.transitions.map(\.state), [.resolved])
        _ = engine.evaluate(flapSample(t0 + 900_000, ["a": 12]))
        XCTAssertEqual(engine.retainedFlapEntryCount, 0)
    }

    func testAFlapCounterThatRestartsCountsItsNewFlaps() {
        var engine = AlertEngine()
        _ = engine.evaluate(flapSample(t0, ["a": 8]))
        // The node was removed and re-added by discovery: a fresh tracker counts from 0 again.
        var update = engine.evaluate(flapSample(t0 + 2_000, ["a": 2]))
        XCTAssertTrue(update.active.isEmpty, "4 + 1 = 5")
        update = engine.evaluate(flapSample(t0 + 4_000, ["a": 4]))
        XCTAssertEqual(states(update, .flaps), [.firing])
    }

    // MARK: partition (warning, 1 min)

    func testPartitionSuspectedForOneMinute() {
        var engine = AlertEngine()
        func sample(_ now: Int64, _ suspected: Bool) -> AlertSample {
            var sample = healthy(now)
            sample.partitionSuspected = suspected
            return sample
        }
        XCTAssertEqual(states(engine.evaluate(sample(t0, true)), .partition), [.pending])
        XCTAssertEqual(states(engine.evaluate(sample(t0 + 59_999, true)), .partition), [.pending])
        XCTAssertEqual(states(engine.evaluate(sample(t0 + 60_000, true)), .partition), [.firing])
        XCTAssertEqual(states(engine.evaluate(sample(t0 + 62_000, false)), .partition), [.firing])
        let update = engine.evaluate(sample(t0 + 64_000, false))
        XCTAssertEqual(update.transitions.first?.state, .resolved)
        XCTAssertEqual(update.transitions.first?.detail, "responding nodes agree on the cluster size")
    }

    // MARK: standalone (warning, at once)

    func testStandaloneNodesAreOnlyThoseBesideAClusteredNode() {
        let clustered = ClusterView(enabled: true, nodesConnected: 2, nodesResponding: 2, nodesTotal: 2, regions: ["iad"], status: "healthy")
        let alone = ClusterView(enabled: false, nodesConnected: 1, nodesResponding: 1, nodesTotal: 1, regions: [], status: "standalone")
        XCTAssertEqual(AlertSample.standaloneNodes(views: [("iad-2", alone), ("iad-1", clustered), ("fra-1", clustered)]), ["iad-2"])
        XCTAssertEqual(AlertSample.standaloneNodes(views: [("a", alone), ("b", alone)]), [], "a standalone deployment is fine")
        XCTAssertEqual(AlertSample.standaloneNodes(views: [("a", alone)]), [])
    }

    func testStandaloneFiresPerNodeAtOnceAndResolvesWhenTheNodeRejoins() {
        var engine = AlertEngine()
        var sample = healthy(t0)
        sample.standaloneNodes = ["iad-2"]
        sample.clusteredNodes = 2
        var update = engine.evaluate(sample)
        XCTAssertEqual(update.transitions.map(\.subject), ["iad-2"])
        XCTAssertEqual(update.transitions.first?.level, .warning)
        XCTAssertEqual(update.transitions.first?.detail, "reports standalone while 2 nodes see a cluster")
        XCTAssertEqual(update.transitions.first?.feedEvent().sourceNodeID, "iad-2")

        sample.nowMs = t0 + 2_000
        sample.standaloneNodes = []
        XCTAssertEqual(engine.evaluate(sample).active.map(\.state), [.firing])
        sample.nowMs = t0 + 4_000
        update = engine.evaluate(sample)
        XCTAssertEqual(update.transitions.map(\.state), [.resolved])
        XCTAssertEqual(update.transitions.first?.subject, "iad-2")
    }

    // MARK: config, ordering, counts

    func testShortenedDurationFromOverridesIsUsed() throws {
        var engine = AlertEngine(config: try AlertConfig.applying(overrides: ["coverage.for_seconds": 4]))
        XCTAssertEqual(states(engine.evaluate(coverage(t0, responding: 1)), .coverage), [.pending])
        XCTAssertEqual(states(engine.evaluate(coverage(t0 + 3_999, responding: 1)), .coverage), [.pending])
        XCTAssertEqual(states(engine.evaluate(coverage(t0 + 4_000, responding: 1)), .coverage), [.firing])
    }

    func testDisabledRuleNeverFiresAndDisablingAFiringRuleResolvesIt() throws {
        var engine = AlertEngine(config: try AlertConfig.applying(overrides: ["offline.enabled": 0]))
        for step in 0...20 {
            XCTAssertTrue(states(engine.evaluate(coverage(t0 + Int64(step) * 2_000, responding: 0)), .offline).isEmpty)
        }
        var live = AlertEngine()
        _ = live.evaluate(coverage(t0, responding: 0))
        _ = live.evaluate(coverage(t0 + 30_000, responding: 0))
        live.config.disabledRules = [.offline]
        _ = live.evaluate(coverage(t0 + 32_000, responding: 0))
        let update = live.evaluate(coverage(t0 + 34_000, responding: 0))
        XCTAssertEqual(update.transitions.filter { $0.rule == "offline" }.map(\.state), [.resolved])
    }

    func testActiveAlertsAreSortedCriticalFirstThenFiringThenOldest() {
        var engine = AlertEngine()
        var sample = coverage(t0, responding: 0)
        sample.partitionSuspected = true
        sample.standaloneNodes = ["z-1"]
        _ = engine.evaluate(sample)
        sample.nowMs = t0 + 30_000
        let update = engine.evaluate(sample)
        XCTAssertEqual(update.active.map { "\($0.level.rawValue) \($0.state.rawValue) \($0.rule)" }, [
            "critical firing offline",
            "critical pending coverage",
            "warning firing standalone",
            "warning pending partition",
        ])
        XCTAssertEqual(engine.firingCounts.critical, 1)
        XCTAssertEqual(engine.firingCounts.warning, 1)
        XCTAssertEqual(update.firingCounts.critical, 1)
        XCTAssertEqual(update.firingCounts.warning, 1)
        XCTAssertEqual(engine.activeAlerts, update.active)
    }

    func testSampleFromSnapshotCarriesEveryInput() {
        let clustered = ClusterView(enabled: true, nodesConnected: 2, nodesResponding: 2, nodesTotal: 2, regions: ["iad"], status: "healthy")
        let alone = ClusterView(enabled: false, nodesConnected: 1, nodesResponding: 1, nodesTotal: 1, regions: [], status: "standalone")
        let figures = { (node: String, lastMinute: Int) in
            ProviderNodeFigures(node: node, totalCalls: 1_000, avgLatencyMs: 20, successRate: 0.7, score: 1,
                                callsLastMinute: lastMinute, callsPerSecond: nil, p50: 1, p95: 2, p99: 3)
        }
        let provider = { (id: String, lastMinute: [Int], perSecond: Double?) in
            ProviderAggregate(id: id, name: nil, totalCalls: 1_000, avgLatencyMs: 20, successRate: 0.7, score: 1,
                              nodesReporting: lastMinute.count, coldStart: false, callsPerSecond: perSecond,
                              p95LatencyMsMax: 2, p95WorstNode: nil,
                              byNode: lastMinute.enumerated().map { figures("n\($0.offset)", $0.element) }, methods: [])
        }
        let snapshot = ClusterSnapshot(
            generatedAtMs: t0,
            coverage: Coverage(responding: 2, total: 3, status: .degraded, quorum: true, partitionSuspected: true),
            nodes: [NodeStatus(name: "iad-1", url: "http://a", state: .up, cluster: clustered, flaps: 2),
                    NodeStatus(name: "iad-2", url: "http://b", state: .stale, cluster: alone, flaps: 0),
                    NodeStatus(name: "fra-1", url: "http://c", state: .down, cluster: alone, flaps: 7)],
            chains: [ChainAggregate(chain: "ethereum", chainID: 1, responding: 2, total: 3, providers: [
                provider("alchemy", [60, 50], 9), provider("infura", [0], 2.5),
            ])],
            eventRate: 42, cache: CacheStats(hits: 3, misses: 1))
        let polls = [PollObservation(atMs: t0, latencyMs: 3, ok: true)]
        let sample = AlertSample(snapshot: snapshot, polls: polls)
        XCTAssertEqual(sample.nowMs, t0)
        XCTAssertEqual(sample.respondingNodes, 2)
        XCTAssertEqual(sample.expectedNodes, 3)
        XCTAssertEqual(sample.polls, polls)
        XCTAssertEqual(sample.cacheHitRate, 0.75)
        XCTAssertEqual(sample.eventRate, 42)
        XCTAssertEqual(sample.flapCounts, ["iad-1": 2, "iad-2": 0, "fra-1": 7])
        XCTAssertTrue(sample.partitionSuspected)
        XCTAssertEqual(sample.standaloneNodes, ["iad-2"], "fra-1 is down: its last view does not count")
        XCTAssertEqual(sample.clusteredNodes, 1)
        XCTAssertEqual(sample.providers, [
            ProviderObservation(chain: "ethereum", providerID: "alchemy", successRate: 0.7, callsPerMinute: 110),
            ProviderObservation(chain: "ethereum", providerID: "infura", successRate: 0.7, callsPerMinute: 150),
        ])
    }

    func testHistoryStaysBoundedUnderAFlood() {
        var engine = AlertEngine()
        var sample = healthy(t0)
        sample.polls = (0..<(AlertEngine.maxPollObservations + 500)).map {
            PollObservation(atMs: t0 - 1_000 + Int64($0 % 1_000), latencyMs: 1, ok: true)
        }
        _ = engine.evaluate(sample)
        XCTAssertEqual(engine.retainedPollCount, AlertEngine.maxPollObservations)
    }
}
