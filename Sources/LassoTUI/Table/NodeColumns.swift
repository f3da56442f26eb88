import Foundation
import LassoCore

/// The node columns, defined once. The overview, the Nodes view, Ops and the Demo panel each show a selection of
/// them; `all` (in CSV order) drives the sort cycle of every node pane and the nodes export.
enum NodeColumns {
    typealias Column = TableColumn<NodeStatus>

    static func stateRank(_ state: NodeState) -> Int {
        switch state {
        case .down: return 0
        case .bad: return 1
        case .stale: return 2
        case .pending: return 3
        case .up: return 4
        }
    }

    static func stateRole(_ state: NodeState) -> StyleRole {
        switch state {
        case .up: return .statusHealthy
        case .pending: return .textDim
        case .stale: return .statusDegraded
        case .down, .bad: return .statusOffline
        }
    }

    static func stateText(_ state: NodeState) -> String {
        switch state {
        case .up: return "up"
        case .pending: return "wait"
        case .stale: return "stale"
        case .down: return "DOWN"
        case .bad: return "BAD"
        }
    }

    static let name = Column("name", title: "NODE", width: .flexible(min: 12, share: 0), priority: 0,
                             sort: ColumnSort("name", rank: 0) { $0.name < $1.name },
                             export: [ExportField("node") { n, _ in n.name }]) { n, _ in TableCell(n.name) }
    static let url = Column("url", title: "URL", width: .flexible(min: 24, share: 0), priority: 7,
                            sort: ColumnSort("url", rank: 4) { ($0.url, $0.name) < ($1.url, $1.name) },
                            export: [ExportField("url") { n, _ in n.url }]) { n, _ in TableCell(n.url, .textDim) }
    static let region = Column("region", title: "REGION", width: .flexible(min: 6, share: 0), priority: 5,
                               sort: ColumnSort("region", rank: 5) { ($0.region ?? "~", $0.name) < ($1.region ?? "~", $1.name) },
                               export: [ExportField("region") { n, _ in n.region ?? "" }]) { n, env in
        TableCell(n.region ?? env.dash, .textDim)
    }
    static let state = Column("state", title: "STATE", width: .fixed(5), priority: 0,
                              sort: ColumnSort("state", rank: 1) { (stateRank($0.state), $0.name) < (stateRank($1.state), $1.name) },
                              export: [ExportField("state") { n, _ in n.state.rawValue }]) { n, _ in
        TableCell(stateText(n.state), stateRole(n.state))
    }
    static let poll = Column("poll", title: "POLL", width: .fixed(7), align: .right, priority: 1,
                             sort: ColumnSort("poll", rank: 2) { ($1.latencyMs ?? -1, $0.name) < ($0.latencyMs ?? -1, $1.name) },
                             export: [ExportField("poll_ms") { n, _ in CSV.number(n.latencyMs) }]) { n, env in
        TableCell(Format.ms(n.latencyMs, dash: env.dash))
    }
    static let version = Column("version", title: "VERSION", width: .fixed(8), priority: 6,
                                sort: ColumnSort("version", rank: 6) { a, b in
                                    let order = (a.version ?? "").compare(b.version ?? "", options: .numeric)
                                    return order == .orderedSame ? a.name < b.name : order == .orderedAscending
                                },
                                export: [ExportField("version") { n, _ in n.version ?? "" }]) { n, env in
        TableCell(n.version ?? env.dash, .textDim)
    }
    static let uptime = Column("uptime", title: "UPTIME", width: .fixed(7), align: .right, priority: 4,
                               sort: ColumnSort("uptime", rank: 3) { ($1.uptimeSeconds ?? -1, $0.name) < ($0.uptimeSeconds ?? -1, $1.name) },
                               export: [ExportField("uptime_s") { n, _ in n.uptimeSeconds.map(String.init) ?? "" }]) { n, env in
        TableCell(Format.uptime(n.uptimeSeconds, dash: env.dash))
    }
    /// The node's own cluster view: responding/connected, marked `!` when it is worse than lassotop's
    /// (`ClusterVerdicts.nodeViewFinding`: degraded/critical, or fewer than lassotop sees responding).
    static let view = Column("view", title: "VIEW", width: .fixed(5), align: .right, priority: 2,
                             sort: ColumnSort("view", rank: 7) {
                                 ($0.cluster?.nodesResponding ?? -1, $0.name) < ($1.cluster?.nodesResponding ?? -1, $1.name)
                             },
                             export: [ExportField("view_responding") { n, _ in n.cluster.map { String($0.nodesResponding) } ?? "" },
                                      ExportField("view_connected") { n, _ in n.cluster.map { String($0.nodesConnected) } ?? "" }]) { n, env in
        guard let cluster = n.cluster else { return TableCell(env.dash) }
        let text = "\(cluster.nodesResponding)/\(cluster.nodesConnected)"
        guard let finding = ClusterVerdicts.nodeViewFinding(n, respondingSeen: env.snapshot?.coverage.responding ?? 0) else {
            return TableCell(text)
        }
        return TableCell(text + "!", finding.critical ? .alertCritical : .alertWarning)
    }
    static let pollOK = Column("poll_ok", title: "OK", width: .fixed(6), align: .right, priority: 1,
                               sort: ColumnSort("ok", rank: 8) { ($1.successCount, $0.name) < ($0.successCount, $1.name) },
                               export: [ExportField("poll_ok") { n, _ in String(n.successCount) }]) { n, _ in
        TableCell(String(n.successCount))
    }
    static let pollFailed = Column("poll_failed", title: "FAILED", width: .fixed(6), align: .right, priority: 2,
                                   sort: ColumnSort("failed", rank: 9) { ($1.failureCount, $0.name) < ($0.failureCount, $1.name) },
                                   export: [ExportField("poll_failed") { n, _ in String(n.failureCount) }]) { n, _ in
        TableCell(String(n.failureCount), n.failureCount > 0 ? .statusDegraded : nil)
    }
    static let flaps = Column("flaps", title: "FLAPS", width: .fixed(5), align: .right, priority: 2,
                              sort: ColumnSort("flaps", rank: 10) { ($1.flaps, $0.name) < ($0.flaps, $1.name) },
                              export: [ExportField("flaps") { n, _ in String(n.flaps) }]) { n, _ in
        TableCell(String(n.flaps), n.flaps > 0 ? .statusDegraded : nil)
    }
    static let lastError = Column("last_error", title: "LAST ERROR", width: .flexible(min: 12), priority: 1,
                                  sort: ColumnSort("error", rank: 11) {
                                      ($0.lastError == nil ? 1 : 0, $0.lastError ?? "", $0.name) < ($1.lastError == nil ? 1 : 0, $1.lastError ?? "", $1.name)
                                  },
                                  export: [ExportField("last_error") { n, _ in n.lastError ?? "" }]) { n, _ in
        TableCell(n.state == .up ? "" : (n.lastError ?? ""), .feedError)
    }
    static let pollSuccess = Column("poll_success", title: "SUCCESS", width: .fixed(7), align: .right, priority: 1,
                                    sort: ColumnSort("success", rank: 12) { ($0.pollSuccessRate ?? 2, $0.name) < ($1.pollSuccessRate ?? 2, $1.name) }) { n, env in
        TableCell(Format.percent(n.pollSuccessRate, dash: env.dash))
    }
    static let pollP50 = Column("poll_p50", title: "P50", width: .fixed(7), align: .right, priority: 0,
                                sort: ColumnSort("p50", rank: 13) { ($1.latencyP50 ?? -1, $0.name) < ($0.latencyP50 ?? -1, $1.name) }) { n, env in
        TableCell(Format.ms(n.latencyP50, dash: env.dash))
    }
    static let pollP95 = Column("poll_p95", title: "P95", width: .fixed(7), align: .right, priority: 0,
                                sort: ColumnSort("p95", rank: 14) { ($1.latencyP95 ?? -1, $0.name) < ($0.latencyP95 ?? -1, $1.name) }) { n, env in
        TableCell(Format.ms(n.latencyP95, dash: env.dash))
    }
    /// Sparkline of poll latency, `env.sparklineWidth` cells.
    static let pollHistory = Column("poll_history", title: "POLL LATENCY", width: .flexible(min: 12), priority: 3,
                                    sort: ColumnSort("history", rank: 15) {
                                        ($1.latencyHistory.last ?? -1, $0.name) < ($0.latencyHistory.last ?? -1, $1.name)
                                    }) { n, env in
        TableCell(Sparkline.render(n.latencyHistory, width: env.sparklineWidth, ascii: env.ascii), .sparkline)
    }

    /// Every node column, in CSV order.
    static let all = TableDefinition([name, url, region, state, poll, version, uptime, view, pollOK, pollFailed, flaps, lastError,
                                      pollSuccess, pollP50, pollP95, pollHistory])

    static let overview = TableDefinition([name, region, state, poll, version, uptime, view, lastError])
    static let nodesView = TableDefinition([name, url, region, state, poll, pollSuccess.with(title: "POLL OK", priority: 6),
                                            flaps.with(priority: 6), version, uptime, view, lastError])
    static let ops = TableDefinition([name, state, poll.with(title: "LAST"), pollP50, pollP95, pollOK, pollFailed, pollSuccess, flaps,
                                      pollHistory])
    /// The demo panel sorts like every node pane but does not mark the column in its header.
    static let demo = TableDefinition([name, state, poll, uptime.with(priority: 2), lastError], sortMarkers: false)
}

/// CSV value formatting shared by the column export fields.
enum CSV {
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return String(format: "%.4g", value)
    }
}
