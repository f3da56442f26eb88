/// The cluster picture one publish computes from frozen inputs, before events and alerts: nodes (with why their
/// metrics are missing), coverage, and one aggregate per chain. Pure.
public struct ClusterFigures: Sendable, Equatable {
    public var nodes: [NodeStatus]
    public var coverage: Coverage
    public var chains: [ChainAggregate]

    public init(nodes: [NodeStatus], coverage: Coverage, chains: [ChainAggregate]) {
        self.nodes = nodes
        self.coverage = coverage
        self.chains = chains
    }

    /// - Parameters:
    ///   - statuses: every watched node's status, in display order, already aged.
    ///   - chainNames: the chains shown, in order.
    ///   - metrics: per chain, its latest metrics (missing: not fetched yet, or wiped by a node-set change).
    ///   - chainIDs: chain ids from `/api/chains`, for chains without metrics yet.
    ///   - nowMs: the time freshness is judged at.
    public static func build(statuses: [NodeStatus], chainNames: [String], metrics: [String: ChainMetrics],
                             chainIDs: [String: Int], expected: Int?, nowMs: Int64, healthIntervalMs: Int64) -> ClusterFigures {
        let notes = metricsNotes(chainNames: chainNames, metrics: metrics)
        let nodes = statuses.map { annotated($0, metricsNote: notes[$0.name]) }
        let coverage = CoverageRules.compute(nodes: statuses.map(\.healthSample), expected: expected, now: nowMs,
                                             healthIntervalMs: healthIntervalMs)
        // The stale rule (ChainMetrics.aggregate(without:)): nodes not answering health now leave the figures.
        let gone = Set(statuses.filter { $0.state == .down || $0.state == .bad || $0.state == .stale }.map(\.name))
        let chains = chainNames.map { chain in
            var aggregate = metrics[chain]?.aggregate(without: gone)
                ?? ChainAggregate(chain: chain, chainID: chainIDs[chain], responding: 0, total: coverage.total, providers: [])
            // A chain refreshed before a node was added still counts every node watched now.
            aggregate.total = max(aggregate.total, coverage.total)
            return aggregate
        }
        return ClusterFigures(nodes: nodes, coverage: coverage, chains: chains)
    }

    /// How a node's rejected metrics are worded, in its status and its error log.
    public static func metricsNote(chain: String, _ message: String) -> String { "metrics \(chain): \(message)" }

    /// Per node, the note of the first chain (in display order) whose latest refresh failed on it.
    public static func metricsNotes(chainNames: [String], metrics: [String: ChainMetrics]) -> [String: String] {
        var notes: [String: String] = [:]
        for chain in chainNames {
            for (node, message) in metrics[chain]?.nodeErrors ?? [:] where notes[node] == nil {
                notes[node] = metricsNote(chain: chain, message)
            }
        }
        return notes
    }

    /// A node whose health answers but whose metrics were rejected stays `up` (it responds), and says why its
    /// figures are missing from the aggregates. Its own health error, when it has one, comes first.
    public static func annotated(_ status: NodeStatus, metricsNote: String?) -> NodeStatus {
        guard let metricsNote, status.lastError == nil, status.state == .up || status.state == .stale else { return status }
        var copy = status
        copy.lastError = metricsNote
        return copy
    }

    /// The alert engine's input for these figures. `AlertSample` reads a snapshot's figures (time, coverage, nodes,
    /// chains, cache hit rate, event rate); this snapshot carries exactly those and nothing it could misread.
    public func alertSample(nowMs: Int64, cache: CacheStats, eventRate: Double, polls: [PollObservation]) -> AlertSample {
        AlertSample(snapshot: ClusterSnapshot(generatedAtMs: nowMs, coverage: coverage, nodes: nodes, chains: chains,
                                              eventRate: eventRate, cache: cache),
                    polls: polls)
    }
}
