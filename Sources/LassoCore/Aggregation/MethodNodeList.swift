/// Where one node's figures for one method are: `rows[row].methods[position]` of the list's storage.
struct MethodNodeRef: Sendable, Equatable {
    var row: Int32
    var position: Int32
}

/// The reports a provider's method rows were aggregated from (shared, not copied) and where its rows are in them.
/// Immutable once built, so lists can share it across threads.
final class MethodNodeStorage: Sendable {
    let reports: [NodeChainReport]
    let rows: [Aggregation.MethodRow]

    init(reports: [NodeChainReport], rows: [Aggregation.MethodRow]) {
        self.reports = reports
        self.rows = rows
    }

    static let empty = MethodNodeStorage(reports: [], rows: [])
}

/// `MethodAggregate.byNode`: reads like `[MethodNodeFigures]` (random access, `Equatable`, `Codable` as the same JSON
/// array) but holds only positions into the method rows the nodes sent; each element is built when read. Copying a
/// large cluster's rows into String-carrying structs was most of the aggregation's time (docs/performance.md,
/// Aggregation).
public struct MethodNodeList: RandomAccessCollection, Sendable, Equatable, Codable, ExpressibleByArrayLiteral,
    CustomStringConvertible {
    let storage: MethodNodeStorage
    /// The positions, unless `regularPosition` is set.
    let refs: [MethodNodeRef]
    /// When ≥ 0: every row of the storage, in order, at this position (`refs` empty).
    let regularPosition: Int32
    public let count: Int

    init(storage: MethodNodeStorage, refs: [MethodNodeRef]) {
        self.storage = storage
        self.refs = refs
        regularPosition = -1
        count = refs.count
    }

    init(storage: MethodNodeStorage, regularPosition: Int32) {
        self.storage = storage
        refs = []
        self.regularPosition = regularPosition
        count = storage.rows.count
    }

    public init<S: Sequence>(_ figures: S) where S.Element == MethodNodeFigures {
        let rows = figures.map { f in
            (node: f.node, methods: [MethodMetrics(method: "", avgLatencyMs: f.avgLatencyMs, p50: f.p50, p90: f.p90, p95: f.p95,
                                                   p99: f.p99, successRate: f.successRate, totalCalls: f.totalCalls, lastUpdated: 0)])
        }
        self.init(storage: MethodNodeStorage(reports: Aggregation.reports(rows),
                                             rows: rows.indices.map { Aggregation.MethodRow(report: $0, entry: 0) }),
                  refs: rows.indices.map { MethodNodeRef(row: Int32($0), position: 0) })
    }

    public init() { self.init(storage: .empty, refs: []) }

    public init(arrayLiteral elements: MethodNodeFigures...) { self.init(elements) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> MethodNodeFigures {
        precondition(position >= 0 && position < count, "MethodNodeList index out of range")
        let ref = regularPosition >= 0 ? MethodNodeRef(row: Int32(truncatingIfNeeded: position), position: regularPosition) : refs[position]
        let row = storage.rows[Int(ref.row)]
        let m = storage.reports[row.report].metrics.methodsByProvider[row.entry].methods[Int(ref.position)]
        return MethodNodeFigures(node: storage.reports[row.report].node, totalCalls: m.totalCalls, avgLatencyMs: m.avgLatencyMs,
                                 successRate: m.successRate, p50: m.p50, p90: m.p90, p95: m.p95, p99: m.p99)
    }

    /// Element by element, as `Array ==` compares; the same positions in the same storage are equal without looking
    /// (as `Array ==` treats the same buffer).
    public static func == (lhs: MethodNodeList, rhs: MethodNodeList) -> Bool {
        if lhs.storage === rhs.storage && lhs.regularPosition == rhs.regularPosition && lhs.count == rhs.count
            && lhs.refs == rhs.refs {
            return true
        }
        return lhs.elementsEqual(rhs)
    }

    /// The same encoded form as `[MethodNodeFigures]`.
    public func encode(to encoder: any Encoder) throws { try Array(self).encode(to: encoder) }

    public init(from decoder: any Decoder) throws { self.init(try [MethodNodeFigures](from: decoder)) }

    public var description: String { Array(self).description }
}
