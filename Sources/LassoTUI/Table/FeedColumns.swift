import Foundation
import LassoCore

/// The event feed table (Overview, Feed view, provider detail) and the feed export.
enum FeedColumns {
    typealias Column = TableColumn<FeedEvent>

    /// What the METHOD / EVENT, PROVIDER, DUR and RESULT cells show for an event, one function each: each cell of
    /// every drawn row asks for its own (building all four per cell formatted each row four times over).
    static func what(_ event: FeedEvent, _ env: CellEnv) -> String {
        switch event.kind {
        case .routing: return event.method ?? "?"
        case .circuit: return "circuit \(event.from ?? "?") \(env.arrow) \(event.to ?? "?")" + (event.reason.map { " (\($0))" } ?? "")
        case .cluster: return event.message ?? ""
        }
    }

    static func provider(_ event: FeedEvent, _ env: CellEnv) -> String {
        let provider = event.providerLabel ?? ""
        return event.kind == .routing && !provider.isEmpty ? env.arrow + " " + provider : provider
    }

    static func duration(_ event: FeedEvent) -> String {
        guard event.kind == .routing else { return "" }
        return event.durationMs.map { Format.ms(Double($0)) } ?? ""
    }

    static func result(_ event: FeedEvent, _ env: CellEnv) -> String {
        switch event.kind {
        case .routing:
            var result = event.result == "error" ? "ERR" : (event.result == "success" ? "ok" : (event.result ?? ""))
            if event.failoverCount > 0 { result += env.unicode ? " ↻\(event.failoverCount)" : " F\(event.failoverCount)" }
            return result
        case .circuit: return event.to == "open" ? "OPEN" : ""
        case .cluster: return ["info": "info", "warning": "warn", "critical": "crit"][(event.severity ?? .info).rawValue] ?? ""
        }
    }

    static func rowRole(_ event: FeedEvent) -> StyleRole {
        if event.isError { return .feedError }
        switch event.kind {
        case .routing: return .text
        case .circuit: return .feedInfo
        case .cluster: return (event.severity ?? .info) >= .warning ? .alertWarning : .feedInfo
        }
    }

    static let table = TableDefinition<FeedEvent>([
        Column("time", title: "TIME", width: .fixed(8), priority: 1, export: [ExportField("ts_ms") { e, _ in String(e.ts) }]) { e, env in
            TableCell(Format.clock(e.ts, offsetSeconds: env.caps.utcOffsetSeconds), e.isError ? nil : .textDim)
        },
        .exportOnly([ExportField("kind") { e, _ in e.kind.rawValue }]),
        Column("node", title: "NODE", width: .flexible(min: 9, share: 0), priority: 2, export: [ExportField("node") { e, _ in e.nodeLabel ?? "" }]) { e, env in
            TableCell(e.nodeLabel ?? env.dash)
        },
        Column("chain", title: "CHAIN", width: .flexible(min: 9, share: 0), priority: 3, export: [ExportField("chain") { e, _ in e.chainLabel ?? "" }]) { e, env in
            TableCell(e.chainLabel ?? env.dash)
        },
        Column("what", title: "METHOD / EVENT", width: .flexible(min: 16), priority: 0,
               export: [ExportField("method") { e, _ in e.method ?? "" }]) { e, env in TableCell(what(e, env)) },
        Column("provider", title: "PROVIDER", width: .flexible(min: 12, share: 0), priority: 0,
               export: [ExportField("provider") { e, _ in e.providerID ?? "" }]) { e, env in TableCell(provider(e, env)) },
        Column("duration", title: "DUR", width: .fixed(6), align: .right, priority: 1,
               export: [ExportField("duration_ms") { e, _ in e.durationMs.map(String.init) ?? "" }]) { e, env in
            TableCell(duration(e))
        },
        Column("result", title: "RESULT", width: .fixed(6), priority: 0,
               export: [ExportField("result") { e, _ in e.result ?? e.severity?.rawValue ?? "" }]) { e, env in TableCell(result(e, env)) },
        .exportOnly([ExportField("failovers") { e, _ in String(e.failoverCount) }, ExportField("from") { e, _ in e.from ?? "" },
                     ExportField("to") { e, _ in e.to ?? "" }, ExportField("message") { e, _ in e.message ?? e.reason ?? "" },
                     ExportField("request_id") { e, _ in e.requestID ?? "" }]),
    ], autoSort: false, rowRole: { e, _ in rowRole(e) })
}
