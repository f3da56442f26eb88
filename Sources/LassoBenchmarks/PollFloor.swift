import Foundation
import LassoClient
import LassoCore
import LassoTerminal

/// The floor of an idle dashboard's cost (docs/performance.md, "The floor"): the requests `ClusterMonitor` makes at
/// the default intervals, on its beat, through the same `NodeHTTPClient` on one NIO thread, and nothing else. Each
/// node's `/api/health` and `/api/events` on every beat, each chain's `/api/metrics` about once per metrics interval
/// (staggered over the chains, on the beat), the chain list from one node as often. Bodies are fetched whole and
/// dropped; only the events cursor is read, so every events page holds just the new events, as the
/// monitor's do. No decoding, snapshot, frame or terminal: a dashboard asking what it asks cannot cost less.
public enum PollFloor {
    /// How often each request is made; the defaults are the monitor's (MonitorConfig).
    public struct Schedule: Sendable {
        public var beatMs = MonitorConfig.defaultEventsIntervalMs
        public var healthIntervalMs = MonitorConfig.defaultHealthIntervalMs
        public var metricsIntervalMs = MonitorConfig.defaultMetricsIntervalMs

        public init() {}

        public init(beatMs: Int64, healthIntervalMs: Int64, metricsIntervalMs: Int64) {
            self.beatMs = beatMs
            self.healthIntervalMs = healthIntervalMs
            self.metricsIntervalMs = metricsIntervalMs
        }
    }

    /// `lassotop-bench --poll-floor URL…`: polls until the process is killed.
    public static func run(nodes: [String]) async throws {
        // Set up as `lassotop` sets itself up (Lassotop.swift, Top.run), and polling on the event loop as the monitor does.
        HeapTuning.useOneArena()
        EventLoopThreads.useOne()
        HeapTuning.keepLargeBlocksInHeap()
        try await Task(executorPreference: LoopExecutor.shared) { try await poll(nodes) }.value
    }

    /// Polls `nodes` on `schedule` until cancelled, then shuts its client down.
    public static func poll(_ nodes: [String], schedule: Schedule = Schedule()) async throws {
        let http = try NodeHTTPClient(options: HTTPOptions())
        await beats(nodes, schedule: schedule, http: http)
        await http.shutdown()
    }

    /// Due times follow the monitor's rules (`ClusterMonitor.pollOnBeats`, `metricsLoop`): health on the first
    /// health beat after its reply landed, a chain's metrics on the first beat a whole interval after its refresh
    /// landed (so 15 s comes every 16 s, as the README says). Decisions use the beat's own time, not the time the
    /// sleep ended, so a wake-up a millisecond early does not skip a beat.
    static func beats(_ nodes: [String], schedule: Schedule, http: NodeHTTPClient) async {
        let beat = schedule.beatMs
        var cursors = [Int64](repeating: 0, count: nodes.count)
        var chains: [String] = []
        var chainsDue: Int64 = 0
        var metricsDue: [Int64] = []
        var healthDue: Int64 = 0
        var now = nowMs()
        while !Task.isCancelled {
            if now >= chainsDue {
                chainsDue = now + schedule.metricsIntervalMs
                for node in nodes {
                    guard case .ok(let body, _) = await http.get(node + "/api/chains"),
                          let list = try? ChainsResponse.decode(body) else { continue }
                    if list.chains.map(\.chainName) != chains {
                        chains = list.chains.map(\.chainName)
                        metricsDue = chains.indices.map {
                            Beat.atOrAfter(now + schedule.metricsIntervalMs * Int64($0) / Int64(chains.count), period: beat)
                        }
                    }
                    break
                }
            }
            let pollHealth = now >= healthDue
            let refreshed = zip(chains, metricsDue).filter { now >= $0.1 }.map(\.0)
            let polls = await withTaskGroup(of: (Int, Int64?).self) { group in
                for (index, node) in nodes.enumerated() {
                    let cursor = cursors[index]
                    if pollHealth { group.addTask { _ = await http.get(node + "/api/health"); return (index, nil) } }
                    group.addTask {
                        guard case .ok(let body, _) = await http.get(node + "/api/events?since=\(cursor)&limit=1000") else {
                            return (index, nil)
                        }
                        return (index, Self.next(in: body))
                    }
                    for chain in refreshed {
                        group.addTask { _ = await http.get(node + "/api/metrics/" + chain); return (index, nil) }
                    }
                }
                var cursors: [(Int, Int64)] = []
                for await (index, next) in group { if let next { cursors.append((index, next)) } }
                return cursors
            }
            for (index, next) in polls { cursors[index] = next }
            let landed = nowMs()
            if pollHealth { healthDue = landed + Beat.msToNext(after: landed, period: schedule.healthIntervalMs) }
            for index in metricsDue.indices where now >= metricsDue[index] {
                metricsDue[index] = Beat.atOrAfter(landed + schedule.metricsIntervalMs, period: beat)
            }
            now = Beat.atOrAfter(landed + 1, period: beat)
            while nowMs() < now {
                guard (try? await Task.sleep(for: .milliseconds(now - nowMs()))) != nil else { return }
            }
        }
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The value of the page's `"next"` key (docs/events-protocol.md), without decoding the page.
    static func next(in body: Data) -> Int64? {
        let key = Array("\"next\":".utf8)
        return body.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int64? in
            guard bytes.count >= key.count else { return nil }
            for start in 0...(bytes.count - key.count) where bytes[start] == key[0] {
                guard (0..<key.count).allSatisfy({ bytes[start + $0] == key[$0] }) else { continue }
                var index = start + key.count
                while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
                var value: Int64 = 0
                var digits = 0
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39, digits < 18 {
                    value = value * 10 + Int64(bytes[index] - 0x30)
                    index += 1
                    digits += 1
                }
                return digits > 0 ? value : nil
            }
            return nil
        }
    }
}
