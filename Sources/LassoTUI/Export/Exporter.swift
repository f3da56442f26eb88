import Foundation
import LassoCore

/// A file the `e` key writes: name and contents decided here (pure), written by the run loop.
public struct ExportDocument: Equatable, Sendable {
    public var fileName: String
    public var contents: String
}

/// Serializes the current view: tables as CSV (what you see, in display order, filter applied), detail pages as JSON.
/// Values are sanitized like the screen, so a hostile provider name cannot smuggle escapes into a file someone cats.
public enum Exporter {
    public static func document(for request: ExportRequest, state: UIState, snapshot: ClusterSnapshot, nowMs: Int64) -> ExportDocument {
        let stamp = timestamp(nowMs)
        switch (request.page, request.pane) {
        case (.provider(let chain, let id), _):
            let provider = Rows.provider(snapshot, chain: chain, id: id)
            let body = ProviderExport(chain: chain, provider: provider.map(AggregateJSON.Provider.init),
                                      circuits: Rows.circuitStates(snapshot, chain: chain, id: id).map { CircuitExport(node: $0.node, state: $0.state, ts: $0.ts) },
                                      latencyHistory: snapshot.latencyHistory[ClusterSnapshot.historyKey(chain: chain, provider: id)] ?? [],
                                      callsPerSecondHistory: snapshot.rateHistory[ClusterSnapshot.historyKey(chain: chain, provider: id)] ?? [])
            return ExportDocument(fileName: "lassotop-provider-\(fileSafe(chain))-\(fileSafe(id))-\(stamp).json", contents: json(body))
        case (.node(let name), _):
            let node = snapshot.nodes.first { $0.name == name }
            let body = NodeExport(node: node, providers: Rows.nodeProviders(snapshot, node: name).map {
                NodeProviderExport(chain: $0.chain, provider: $0.providerID, figures: AggregateJSON.ProviderNode($0.figures))
            })
            return ExportDocument(fileName: "lassotop-node-\(fileSafe(name))-\(stamp).json", contents: json(body))
        case (.view(.ops), _):
            let body = OpsExport(generatedAtMs: snapshot.generatedAtMs, cache: snapshot.cache, feed: snapshot.feedStats,
                                 eventRate: snapshot.eventRate, shownEventRate: snapshot.shownEventRate, sampling: snapshot.sampling,
                                 nodes: snapshot.nodes.map { OpsNodeExport(node: $0.name, state: $0.state.rawValue, pollP50Ms: $0.latencyP50,
                                                                           pollP95Ms: $0.latencyP95, successes: $0.successCount,
                                                                           failures: $0.failureCount, flaps: $0.flaps) })
            return ExportDocument(fileName: "lassotop-ops-\(stamp).json", contents: json(body))
        case (_, .feed), (.view(.feed), _):
            return ExportDocument(fileName: "lassotop-feed-\(stamp).csv", contents: feedCSV(Rows.feed(state, snapshot)))
        case (.view(.alerts), _):
            return ExportDocument(fileName: "lassotop-alerts-\(stamp).csv", contents: alertsCSV(Rows.alerts(state, snapshot)))
        case (_, .nodes), (.view(.nodes), _), (.view(.demo), _):
            return ExportDocument(fileName: "lassotop-nodes-\(stamp).csv", contents: nodesCSV(Rows.nodes(state, snapshot)))
        default:
            let chain = Rows.chain(state, snapshot)?.chain ?? "none"
            return ExportDocument(fileName: "lassotop-providers-\(fileSafe(chain))-\(stamp).csv",
                                  contents: providersCSV(chain: chain, Rows.providers(state, snapshot)))
        }
    }

    // MARK: CSV

    /// RFC 4180 field: quoted when it holds a comma, quote or line break; a leading = + - @ is prefixed with '
    /// so a spreadsheet does not run it as a formula.
    static func field(_ value: String) -> String {
        var text = Sanitizer.clean(value)
        if let first = text.first, "=+-@".contains(first), Double(text) == nil { text = "'" + text }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    static func csv(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// A table's CSV: header and fields from its column definitions (Table/), rows in display order.
    static func csv<Row>(_ table: TableDefinition<Row>, _ rows: [Row], env: CellEnv = CellEnv()) -> String {
        csv(table.exportHeader, rows.map { table.exportRow($0, env) })
    }

    static func feedCSV(_ events: [FeedEvent]) -> String { csv(FeedColumns.table, events) }

    static func nodesCSV(_ nodes: [NodeStatus]) -> String { csv(NodeColumns.all, nodes) }

    static func providersCSV(chain: String, _ providers: [ProviderAggregate]) -> String {
        var env = CellEnv()
        env.chainName = chain
        return csv(ProviderColumns.table, providers, env: env)
    }

    static func alertsCSV(_ alerts: [Alert]) -> String { csv(AlertColumns.table, alerts) }

    // MARK: JSON

    struct CircuitExport: Encodable { var node: String; var state: String; var ts: Int64 }
    struct ProviderExport: Encodable {
        var chain: String
        var provider: AggregateJSON.Provider?
        var circuits: [CircuitExport]
        var latencyHistory: [Double]
        var callsPerSecondHistory: [Double]
    }
    struct NodeProviderExport: Encodable { var chain: String; var provider: String; var figures: AggregateJSON.ProviderNode }
    struct NodeExport: Encodable { var node: NodeStatus?; var providers: [NodeProviderExport] }
    struct OpsNodeExport: Encodable {
        var node: String; var state: String; var pollP50Ms: Double?; var pollP95Ms: Double?
        var successes: Int; var failures: Int; var flaps: Int
    }
    struct OpsExport: Encodable {
        var generatedAtMs: Int64; var cache: CacheStats; var feed: FeedStats
        var eventRate: Double; var shownEventRate: Double; var sampling: Bool; var nodes: [OpsNodeExport]
    }

    /// JSON keeps the raw values (the file is data, not a screen); the encoder escapes control characters.
    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // snake_case like every other JSON lassotop writes (the snapshot's own views already name their keys so).
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(value),
              let text = String(data: TerminalText.escapingControlsInJSON(data), encoding: .utf8) else { return "{}\n" }
        return text + "\n"
    }

    static func timestamp(_ ms: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02d-%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    static func fileSafe(_ text: String) -> String {
        let mapped = text.unicodeScalars.map { scalar -> Character in
            (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_") && scalar.isASCII
                ? Character(scalar) : "_"
        }
        return String(mapped.prefix(40))
    }
}
