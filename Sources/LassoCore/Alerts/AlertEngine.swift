import DequeModule

/// The result of one evaluation.
public struct AlertUpdate: Sendable, Equatable {
    /// Pending and firing alerts, critical first, then firing before pending, oldest first.
    public var active: [Alert]
    /// Alerts that became firing or resolved at this evaluation (each becomes one `cluster` feed entry).
    public var transitions: [Alert]

    public init(active: [Alert], transitions: [Alert]) {
        self.active = active
        self.transitions = transitions
    }

    public var feedEvents: [FeedEvent] { transitions.map { $0.feedEvent() } }

    public var firingCounts: (critical: Int, warning: Int) { AlertEngine.firingCounts(active) }
}

/// Evaluates the alert rules (docs/alerts.md), pure: state + sample + now → alerts. The caller evaluates it once per
/// health interval with what it measured; time only comes from `AlertSample.nowMs`.
///
/// Per rule and subject (node, provider) a small state machine runs:
/// - condition true → pending, `startedAtMs` = the first evaluation where it held;
/// - still true and `now − startedAt ≥ hold duration` → firing (reported in `transitions`). `≥`, as Prometheus's
///   `for:`: the condition was first *seen* at `startedAt` and may have held a little earlier, so `≥` never fires
///   early. Rules without a duration fire at the first evaluation where they hold;
/// - false while pending → dropped silently;
/// - false while firing → still firing until it has been false continuously for `evaluationPeriodMs`, then
///   resolved (reported once in `transitions`, then dropped). True again in between keeps the original alert.
public struct AlertEngine: Sendable {
    public var config: AlertConfig

    /// Bounds of the kept history, so memory stays flat however long lassotop runs.
    public static let maxPollObservations = 50_000
    public static let maxFlapEntries = 10_000

    struct Key: Hashable, Sendable {
        var rule: AlertRule
        var subject: String?
    }

    struct Track: Sendable {
        var startedAtMs: Int64
        var firingSinceMs: Int64?
        var clearSinceMs: Int64?
        var value: Double
        var threshold: Double
        var detail: String
    }

    /// One rule's verdict for one subject at this evaluation. `value == nil`: nothing measured (keeps the last value).
    struct Verdict {
        var holds: Bool
        var value: Double?
        var threshold: Double
        var detail: String?
    }

    struct FlapEntry: Sendable {
        var node: String
        var atMs: Int64
        var count: Int
    }

    private var tracks: [Key: Track] = [:]
    private var polls = Deque<PollObservation>()
    private var firstPollAtMs: Int64?
    private var flapEntries = Deque<FlapEntry>()
    private var lastFlapCounts: [String: Int] = [:]

    public init(config: AlertConfig = AlertConfig()) {
        self.config = config
    }

    /// Firing alerts by level (pending ones are not counted).
    public var firingCounts: (critical: Int, warning: Int) {
        var critical = 0
        var warning = 0
        for (key, track) in tracks where track.firingSinceMs != nil {
            if key.rule.level == .critical { critical += 1 } else { warning += 1 }
        }
        return (critical, warning)
    }

    /// Pending and firing alerts as of the last evaluation, sorted like `AlertUpdate.active`.
    public var activeAlerts: [Alert] {
        Self.sorted(tracks.map { alert(for: $0.key, $0.value, state: $0.value.firingSinceMs == nil ? .pending : .firing) })
    }

    public mutating func evaluate(_ sample: AlertSample) -> AlertUpdate {
        let now = sample.nowMs
        ingestPolls(sample.polls, now: now)
        ingestFlaps(sample.flapCounts, now: now)

        var verdicts = self.verdicts(sample, now: now)
        // Tracked subjects that are gone from the sample (a provider no longer listed, a node back in the cluster)
        // evaluate as clear with nothing measured.
        for key in tracks.keys where verdicts[key] == nil {
            verdicts[key] = Verdict(holds: false, value: nil, threshold: tracks[key]!.threshold, detail: nil)
        }

        var transitions: [Alert] = []
        for (key, verdict) in verdicts {
            let holds = verdict.holds && config.isEnabled(key.rule)
            if holds {
                var track = tracks[key] ?? Track(startedAtMs: now, value: verdict.value ?? 0,
                                                 threshold: verdict.threshold, detail: verdict.detail ?? "")
                track.clearSinceMs = nil
                Self.record(verdict, into: &track)
                if track.firingSinceMs == nil, now - track.startedAtMs >= key.rule.holdDurationMs(config) {
                    track.firingSinceMs = now
                    transitions.append(alert(for: key, track, state: .firing))
                }
                tracks[key] = track
            } else if var track = tracks[key] {
                guard track.firingSinceMs != nil else {
                    tracks[key] = nil   // pending and clear again: never fired, nothing to report
                    continue
                }
                Self.record(verdict, into: &track)
                let clearSince = track.clearSinceMs ?? now
                track.clearSinceMs = clearSince
                if now - clearSince >= config.evaluationPeriodMs {
                    transitions.append(alert(for: key, track, state: .resolved, resolvedAt: now))
                    tracks[key] = nil
                } else {
                    tracks[key] = track
                }
            }
        }
        return AlertUpdate(active: activeAlerts, transitions: Self.sorted(transitions))
    }

    // MARK: rules

    private func verdicts(_ sample: AlertSample, now: Int64) -> [Key: Verdict] {
        var result: [Key: Verdict] = [:]
        let responding = sample.respondingNodes
        let expected = sample.expectedNodes
        let nodesText = "\(responding) of \(expected) node\(expected == 1 ? "" : "s") responding"

        let coverageThreshold = expected - config.coverageAllowedMissing
        result[Key(rule: .coverage)] = Verdict(holds: responding < coverageThreshold, value: Double(responding),
                                               threshold: Double(coverageThreshold), detail: nodesText)
        result[Key(rule: .offline)] = Verdict(holds: responding <= 0, value: Double(responding), threshold: 1,
                                              detail: nodesText)

        result[Key(rule: .pollLatency)] = pollLatencyVerdict(now: now)
        result[Key(rule: .pollSuccess)] = pollSuccessVerdict(now: now)

        for provider in sample.providers {
            let key = Key(rule: .providerSuccess,
                          subject: ProviderKey(chain: provider.chain, id: provider.providerID).description)
            let busy = provider.callsPerMinute >= config.providerMinCallsPerMinute
            let detail = "\(AlertFormat.percent(provider.successRate)) success on "
                + "\(AlertFormat.number(provider.callsPerMinute.rounded())) calls/min"
            let verdict = Verdict(holds: busy && provider.successRate < config.providerSuccessMin,
                                  value: provider.successRate, threshold: config.providerSuccessMin, detail: detail)
            // The same chain/provider listed twice keeps the worse verdict: holding first, then lower success.
            if let existing = result[key] {
                let worse = verdict.holds != existing.holds ? verdict.holds
                    : provider.successRate < (existing.value ?? .infinity)
                if !worse { continue }
            }
            result[key] = verdict
        }

        if let rate = sample.cacheHitRate {
            result[Key(rule: .cacheHitRate)] = Verdict(holds: rate < config.cacheHitRateMin, value: rate,
                                                       threshold: config.cacheHitRateMin,
                                                       detail: "cache hit rate \(AlertFormat.percent(rate))")
        } else {
            result[Key(rule: .cacheHitRate)] = Verdict(holds: false, value: nil, threshold: config.cacheHitRateMin, detail: nil)
        }

        if let rate = sample.eventRate {
            result[Key(rule: .eventRate)] = Verdict(holds: rate > config.eventRateMax, value: rate,
                                                    threshold: config.eventRateMax,
                                                    detail: "true event rate \(AlertFormat.decimal(rate))/s")
        } else {
            result[Key(rule: .eventRate)] = Verdict(holds: false, value: nil, threshold: config.eventRateMax, detail: nil)
        }

        result[Key(rule: .flaps)] = flapVerdict(now: now)

        // A cluster that never formed is its own critical verdict, not a partition.
        let partition = sample.partitionSuspected && !sample.clusterNotFormed
        result[Key(rule: .partition)] = Verdict(
            holds: partition, value: partition ? 1 : 0, threshold: 1,
            detail: partition ? "responding nodes disagree on how many nodes are connected"
                : "responding nodes agree on the cluster size")

        result[Key(rule: .clusterNotFormed)] = Verdict(
            holds: sample.clusterNotFormed, value: sample.clusterNotFormed ? 1 : 0, threshold: 1,
            detail: sample.clusterNotFormed ? "every node sees only itself (\(responding) responding)"
                : "the nodes see each other")

        for finding in sample.nodeViews {
            // Same subject listed twice (duplicate names): the first wins, as in the snapshot's node order.
            let key = Key(rule: .nodeView, subject: finding.node)
            guard result[key] == nil else { continue }
            result[key] = Verdict(holds: true, value: 1, threshold: 1, detail: finding.detail)
        }

        for node in Set(sample.standaloneNodes) {
            let others = sample.clusteredNodes
            let detail = others > 0 ? "reports standalone while \(others) node\(others == 1 ? "" : "s") see a cluster"
                : "reports standalone while other nodes see a cluster"
            result[Key(rule: .standalone, subject: node)] = Verdict(holds: true, value: 1, threshold: 1, detail: detail)
        }
        return result
    }

    /// Enough poll history for the window rules: observed for `pollWindowMinDataMs` and `count ≥ pollWindowMinPolls`.
    private func windowReady(count: Int, now: Int64) -> Bool {
        guard let first = firstPollAtMs else { return false }
        return now - first >= config.pollWindowMinDataMs && count >= config.pollWindowMinPolls && count > 0
    }

    private func pollLatencyVerdict(now: Int64) -> Verdict {
        let window = config.pollLatencyWindowMs
        let latencies = polls.compactMap { now - $0.atMs < window ? $0.latencyMs : nil }
        guard windowReady(count: latencies.count, now: now), let p95 = Percentile.nearestRank(latencies, 95) else {
            return Verdict(holds: false, value: nil, threshold: config.pollLatencyP95Ms, detail: nil)
        }
        return Verdict(holds: p95 > config.pollLatencyP95Ms, value: p95, threshold: config.pollLatencyP95Ms,
                       detail: "poll p95 \(Units.ms(p95)) over "
                           + "\(AlertFormat.duration(ms: window)), \(latencies.count) polls")
    }

    private func pollSuccessVerdict(now: Int64) -> Verdict {
        let window = config.pollSuccessWindowMs
        var total = 0
        var succeeded = 0
        for poll in polls where now - poll.atMs < window {
            total += 1
            if poll.ok { succeeded += 1 }
        }
        guard windowReady(count: total, now: now) else {
            return Verdict(holds: false, value: nil, threshold: config.pollSuccessRateMin, detail: nil)
        }
        let rate = Double(succeeded) / Double(total)
        return Verdict(holds: rate < config.pollSuccessRateMin, value: rate, threshold: config.pollSuccessRateMin,
                       detail: "poll success \(AlertFormat.percent(rate)) over \(AlertFormat.duration(ms: window)), "
                           + "\(succeeded) of \(total) polls ok")
    }

    private func flapVerdict(now: Int64) -> Verdict {
        var byNode: [String: Int] = [:]
        for entry in flapEntries where now - entry.atMs < config.flapWindowMs {
            byNode[entry.node, default: 0] += entry.count
        }
        let total = byNode.values.reduce(0, +)
        let worst = byNode.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
        var detail = "\(total) flap\(total == 1 ? "" : "s") in \(AlertFormat.duration(ms: config.flapWindowMs))"
        if !worst.isEmpty { detail += " (" + worst.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")" }
        return Verdict(holds: total > config.maxFlaps, value: Double(total), threshold: Double(config.maxFlaps),
                       detail: detail)
    }

    // MARK: history

    /// Kept history sizes (for tests of the bounds).
    var retainedPollCount: Int { polls.count }
    var retainedFlapEntryCount: Int { flapEntries.count }

    private mutating func ingestPolls(_ batch: [PollObservation], now: Int64) {
        for poll in batch.sorted(by: { $0.atMs < $1.atMs }) {
            polls.append(poll)
            firstPollAtMs = min(firstPollAtMs ?? poll.atMs, poll.atMs)
        }
        let keep = max(config.pollLatencyWindowMs, config.pollSuccessWindowMs)
        while let first = polls.first, now - first.atMs >= keep { polls.removeFirst() }
        if polls.count > Self.maxPollObservations { polls.removeFirst(polls.count - Self.maxPollObservations) }
    }

    private mutating func ingestFlaps(_ counts: [String: Int], now: Int64) {
        for (node, count) in counts.sorted(by: { $0.key < $1.key }) {
            let previous = lastFlapCounts[node] ?? 0
            // The counter holds state changes (up→down, down→up); a flap is an up/down cycle (docs/lasso-compat.md §5), so every second
            // change completes one. A count that went down belongs to a new tracker for the node: all of it is new.
            let added = count >= previous ? count / 2 - previous / 2 : count / 2
            if added > 0 { flapEntries.append(FlapEntry(node: node, atMs: now, count: added)) }
            lastFlapCounts[node] = count
        }
        while let first = flapEntries.first, now - first.atMs >= config.flapWindowMs { flapEntries.removeFirst() }
        if flapEntries.count > Self.maxFlapEntries { flapEntries.removeFirst(flapEntries.count - Self.maxFlapEntries) }
    }

    // MARK: alerts

    private static func record(_ verdict: Verdict, into track: inout Track) {
        guard let value = verdict.value else { return }
        track.value = value
        track.threshold = verdict.threshold
        if let detail = verdict.detail { track.detail = detail }
    }

    private func alert(for key: Key, _ track: Track, state: Alert.State, resolvedAt: Int64? = nil) -> Alert {
        Alert(rule: key.rule.rawValue, level: key.rule.level, state: state, startedAtMs: track.startedAtMs,
              value: track.value, threshold: track.threshold, explanation: key.rule.explanation(config),
              subject: key.subject, detail: track.detail, firingSinceMs: track.firingSinceMs, resolvedAtMs: resolvedAt)
    }

    static func firingCounts(_ alerts: [Alert]) -> (critical: Int, warning: Int) {
        let firing = alerts.filter { $0.state == .firing }
        return (firing.filter { $0.level == .critical }.count, firing.filter { $0.level == .warning }.count)
    }

    /// Critical first; then firing, pending, resolved; then oldest first; then rule order and subject.
    static func sorted(_ alerts: [Alert]) -> [Alert] {
        func stateRank(_ state: Alert.State) -> Int { state == .firing ? 0 : state == .pending ? 1 : 2 }
        return alerts.sorted { a, b in
            if a.level != b.level { return a.level > b.level }
            if a.state != b.state { return stateRank(a.state) < stateRank(b.state) }
            if a.startedAtMs != b.startedAtMs { return a.startedAtMs < b.startedAtMs }
            let ra = a.ruleID.flatMap { AlertRule.allCases.firstIndex(of: $0) } ?? Int.max
            let rb = b.ruleID.flatMap { AlertRule.allCases.firstIndex(of: $0) } ?? Int.max
            if ra != rb { return ra < rb }
            return (a.subject ?? "") < (b.subject ?? "")
        }
    }
}
