import Foundation
import LassoClient
import LassoCore
import Synchronization

/// What a viewer (`lassotop --hub URL`, `snapshot --hub`, `check --hub`) uses instead of polling nodes: it reads the
/// hub's snapshot document and rebuilds the same `ClusterSnapshot`. Node credentials never reach it; it sends only the
/// hub's bearer token.
public final class HubViewer: Sendable {
    public let base: String
    let http: NodeHTTPClient
    private let latest: Mutex<ClusterSnapshot>
    private let interval = Atomic<Int64>(2_000)
    private let lastError = Mutex<String?>(nil)
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let wake = Atomic<Int>(0)
    /// How often the viewer reads the hub (the hub refreshes its frame at most every 100 ms).
    public let pollIntervalMs: Int64

    /// `url`: the hub's base URL (http or https). Throws on a URL that is not http(s).
    public init(url: String, token: String?, timeout: Duration = .seconds(5), pollIntervalMs: Int64 = 1_000) throws {
        var base = url.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        guard let parsed = URL(string: base), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              parsed.host != nil else {
            throw SnapshotReader.Failure(description: "--hub must be an http(s) URL, e.g. http://127.0.0.1:9464")
        }
        self.base = base
        self.pollIntervalMs = max(100, pollIntervalMs)
        var headers: [(name: String, value: String)] = []
        if let token { headers.append((name: "Authorization", value: "Bearer " + token)) }
        http = try NodeHTTPClient(options: HTTPOptions(timeout: timeout, maxBodyBytes: 64 << 20, headers: headers))
        latest = Mutex(ClusterSnapshot(
            generatedAtMs: 0, coverage: Coverage(responding: 0, total: 0, status: .offline, quorum: false, partitionSuspected: false),
            nodes: [], chains: [], updating: true))
    }

    public func latestSnapshot() -> ClusterSnapshot { latest.withLock { $0 } }

    /// The hub's health interval (from `/healthz`), shown by the TUI; viewers cannot change it.
    public func healthIntervalMs() -> Int64 { interval.load(ordering: .relaxed) }

    /// Why the last read failed, or nil.
    public var error: String? { lastError.withLock { $0 } }

    /// One read of `/api/v1/snapshot`.
    public func fetch() async throws -> ClusterSnapshot {
        switch await http.get(base + "/api/v1/snapshot") {
        case .ok(let body, _):
            return try SnapshotReader.read(body)
        case .failed(let failure, _):
            throw SnapshotReader.Failure(description: "hub \(base): \(failure.message)")
        }
    }

    /// Reads `/healthz` for the hub's health interval.
    func fetchHealth() async {
        guard case .ok(let body, _) = await http.get(base + "/healthz"),
              let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let ms = object["health_interval_ms"] as? Int, ms > 0 else { return }
        interval.store(Int64(ms), ordering: .relaxed)
    }

    /// One read that updates `latestSnapshot`; a failure keeps the last good snapshot, marked as updating.
    @discardableResult
    public func poll() async -> Bool {
        do {
            let snapshot = try await fetch()
            latest.withLock { $0 = snapshot }
            lastError.withLock { $0 = nil }
            return true
        } catch {
            latest.withLock { $0.updating = true }
            lastError.withLock { $0 = "\(error)" }
            return false
        }
    }

    /// Reads the hub every `pollIntervalMs` (one request in flight) until `stop`.
    public func start() {
        let loop = Task { [self] in
            await fetchHealth()
            var round = 0
            while !Task.isCancelled {
                await poll()
                round += 1
                if round % 30 == 0 { await fetchHealth() }
                let generation = wake.load(ordering: .relaxed)
                var remaining = pollIntervalMs
                while remaining > 0, !Task.isCancelled, wake.load(ordering: .relaxed) == generation {
                    let slice = min(remaining, 50)
                    try? await Task.sleep(for: .milliseconds(slice))
                    remaining -= slice
                }
            }
        }
        task.withLock { $0 = loop }
    }

    /// Ctrl-R: read the hub now.
    public func refreshNow() { wake.add(1, ordering: .relaxed) }

    public func stop() async {
        let loop = task.withLock { value -> Task<Void, Never>? in
            defer { value = nil }
            return value
        }
        loop?.cancel()
        await loop?.value
        await http.shutdown()
    }
}
