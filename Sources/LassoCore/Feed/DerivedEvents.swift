/// Feed entries lassotop derives from its own polls, so the feed is useful against a real Lasso that has no events
/// endpoint (docs/feed.md, "Events derived from polls"). All are `kind: "cluster"` with a severity and `ts = nowMs`.
///
/// Circuit changes are not derived here: a circuit event from the events endpoint (or a JSON line) already is a feed
/// entry of kind `circuit`, deduplicated per source node, and the polled endpoints carry no circuit state to diff.
public enum DerivedEvents {
    /// Success rate under which a provider is reported (lassotop's line, docs/lasso-compat.md §5).
    public static let successRateFloor = 0.95
    /// Latency that at least doubles between polls is reported, unless the earlier average was below this.
    public static let latencyFloorMs = 5.0

    public static func diff(previousNodes: [NodeStatus], nodes: [NodeStatus], previousCoverage: Coverage?, coverage: Coverage,
                            previousChains: [ChainAggregate], chains: [ChainAggregate], nowMs: Int64) -> [FeedEvent] {
        var out: [FeedEvent] = []
        nodeEvents(previousNodes: previousNodes, nodes: nodes, nowMs: nowMs, into: &out)
        coverageEvents(previous: previousCoverage, coverage: coverage,
                       startingUp: previousNodes.isEmpty || previousNodes.contains { $0.state == .pending },
                       nowMs: nowMs, into: &out)
        providerEvents(previousChains: previousChains, chains: chains, nowMs: nowMs, into: &out)
        return out
    }

    // MARK: nodes

    static func nodeEvents(previousNodes: [NodeStatus], nodes: [NodeStatus], nowMs: Int64, into out: inout [FeedEvent]) {
        var previousByName: [String: NodeStatus] = [:]
        for node in previousNodes { previousByName[node.name] = node }
        for node in nodes {
            guard let before = previousByName[node.name] else {
                if !previousNodes.isEmpty {
                    out.append(.cluster(ts: nowMs, severity: .info, message: "node \(node.name) added", node: node.name))
                }
                continue
            }
            if before.state != node.state, let event = stateChange(node: node, from: before.state, nowMs: nowMs) {
                out.append(event)
            }
            if let was = before.uptimeSeconds, let now = node.uptimeSeconds, now < was {
                out.append(.cluster(ts: nowMs, severity: .warning,
                                    message: "node \(node.name) restarted (uptime \(now)s, was \(was)s)",
                                    node: node.name, reason: "restart"))
            }
        }
        let names = Set(nodes.map(\.name))
        for node in previousNodes where !names.contains(node.name) {
            out.append(.cluster(ts: nowMs, severity: .info, message: "node \(node.name) removed", node: node.name))
        }
    }

    private static func stateChange(node: NodeStatus, from previous: NodeState, nowMs: Int64) -> FeedEvent? {
        let detail = node.lastError.map { ": " + $0 } ?? ""
        switch node.state {
        case .down:
            return .cluster(ts: nowMs, severity: .critical, message: "node \(node.name) down" + detail, node: node.name, reason: "down")
        case .bad:
            return .cluster(ts: nowMs, severity: .warning, message: "node \(node.name) bad" + detail, node: node.name, reason: "bad")
        case .stale:
            return .cluster(ts: nowMs, severity: .warning, message: "node \(node.name) stale (no answer for 2 intervals)",
                            node: node.name, reason: "stale")
        case .up:
            // pending → up is just the first answer, not a recovery.
            guard previous != .pending else { return nil }
            return .cluster(ts: nowMs, severity: .info, message: "node \(node.name) back up", node: node.name, reason: "up")
        case .pending:
            return nil
        }
    }

    // MARK: coverage

    static func coverageEvents(previous: Coverage?, coverage: Coverage, startingUp: Bool, nowMs: Int64, into out: inout [FeedEvent]) {
        if (previous?.partitionSuspected ?? false) != coverage.partitionSuspected {
            out.append(coverage.partitionSuspected
                ? .cluster(ts: nowMs, severity: .critical,
                           message: "partition suspected: responding nodes disagree about their peers", reason: "partition")
                : .cluster(ts: nowMs, severity: .info, message: "partition cleared", reason: "partition"))
        }
        // No baseline yet, or nodes still answering their first poll: counts climbing 0/3 → 3/3 is not news.
        guard let previous, !startingUp else { return }
        guard previous.responding != coverage.responding || previous.total != coverage.total || previous.status != coverage.status else {
            return
        }
        let severity: FeedEvent.Severity
        switch coverage.status {
        case .healthy: severity = .info
        case .degraded: severity = .warning
        case .offline: severity = .critical
        }
        var message = "coverage \(coverage.responding)/\(coverage.total) \(coverage.status.rawValue)"
        if coverage.quorum != previous.quorum { message += coverage.quorum ? ", quorum regained" : ", no quorum" }
        out.append(.cluster(ts: nowMs, severity: severity, message: message, reason: "coverage"))
    }

    // MARK: providers

    static func providerEvents(previousChains: [ChainAggregate], chains: [ChainAggregate], nowMs: Int64, into out: inout [FeedEvent]) {
        // Keyed by (chain, id) as they are: a joined string key was built and hashed per provider on every publish.
        var previousByKey: [ProviderKey: ProviderAggregate] = [:]
        for chain in previousChains {
            for provider in chain.providers { previousByKey[ProviderKey(chain: chain.chain, id: provider.id)] = provider }
        }
        for chain in chains {
            for provider in chain.providers {
                guard let before = previousByKey[ProviderKey(chain: chain.chain, id: provider.id)], !before.coldStart,
                      !provider.coldStart else {
                    continue
                }
                let name = provider.displayName
                if before.successRate >= successRateFloor && provider.successRate < successRateFloor {
                    out.append(.cluster(ts: nowMs, severity: .warning,
                                        message: "provider \(name) on \(chain.chain): success \(percent(provider.successRate)) (was \(percent(before.successRate)))",
                                        chain: chain.chain, providerID: provider.id, reason: "success_rate"))
                } else if before.successRate < successRateFloor && provider.successRate >= successRateFloor {
                    out.append(.cluster(ts: nowMs, severity: .info,
                                        message: "provider \(name) on \(chain.chain): success back to \(percent(provider.successRate))",
                                        chain: chain.chain, providerID: provider.id, reason: "success_rate"))
                }
                if before.avgLatencyMs >= latencyFloorMs && provider.avgLatencyMs >= 2 * before.avgLatencyMs {
                    out.append(.cluster(ts: nowMs, severity: .warning,
                                        message: "provider \(name) on \(chain.chain): latency \(ms(before.avgLatencyMs)) → \(ms(provider.avgLatencyMs))",
                                        chain: chain.chain, providerID: provider.id, reason: "latency"))
                }
            }
        }
    }

    // Feed messages print figures as every other view does (Units).
    private static func percent(_ rate: Double) -> String { Units.percent(rate) }

    private static func ms(_ value: Double) -> String { Units.ms(value) }
}
