/// Display helpers for `Alert`: one-line summaries (the `check --alerts` output, feed messages) and the columns of
/// the Alerts view. Subjects come from the network: callers drawing to a terminal sanitize them.
extension Alert {
    public var ruleID: AlertRule? { AlertRule(rawValue: rule) }

    /// How long the condition has held: until `now`, or until it resolved.
    public func durationMs(now: Int64) -> Int64 {
        max((resolvedAtMs ?? now) - startedAtMs, 0)
    }

    /// The value in its unit ("2.3s", "72.0%"), formatted like the figure's own column (`Units`).
    public var valueText: String { ruleID?.valueText(value) ?? AlertFormat.number(value) }

    /// The threshold with its comparison ("< 2", "> 2000 ms"); nil for yes/no rules.
    public var thresholdText: String? {
        guard let id = ruleID else { return AlertFormat.number(threshold) }
        return id.thresholdText(threshold)
    }

    /// e.g. "CRITICAL coverage: 1 of 3 nodes responding (threshold < 2) for 2m05s".
    /// Pending and resolved alerts say so after the rule; a resolved alert gives how long it lasted.
    public func summary(now: Int64) -> String {
        var head = level.rawValue.uppercased() + " " + rule
        if let subject { head += " " + subject }
        switch state {
        case .firing: break
        case .pending: head += " (pending)"
        case .resolved: head += " (resolved)"
        }
        var line = head + ": " + (detail ?? valueText)
        if let thresholdText { line += " (threshold \(thresholdText))" }
        line += (state == .resolved ? " after " : " for ") + AlertFormat.duration(ms: durationMs(now: now))
        return line
    }

    /// The `cluster` feed entry for a transition: firing entries carry the alert's level, resolved ones are info.
    public func feedEvent() -> FeedEvent {
        let ts: Int64
        let severity: FeedEvent.Severity
        let verb: String
        switch state {
        case .firing:
            ts = firingSinceMs ?? startedAtMs
            severity = level == .critical ? .critical : .warning
            verb = "alert firing"
        case .resolved:
            ts = resolvedAtMs ?? startedAtMs
            severity = .info
            verb = "alert resolved"
        case .pending:
            ts = startedAtMs
            severity = .info
            verb = "alert pending"
        }
        var node: String?
        var chain: String?
        var provider: String?
        switch ruleID {
        case .standalone?, .nodeView?: node = subject
        case .providerSuccess?:
            // Subject is "chain/provider"; chain names never contain "/".
            if let subject, let slash = subject.firstIndex(of: "/") {
                chain = String(subject[..<slash])
                provider = String(subject[subject.index(after: slash)...])
            }
        default: break
        }
        return FeedEvent.cluster(ts: ts, severity: severity, message: verb + ": " + summary(now: ts), node: node,
                                 chain: chain, providerID: provider, reason: rule)
    }
}
