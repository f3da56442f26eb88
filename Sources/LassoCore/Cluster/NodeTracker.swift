/// The per-node poll state machine, pure: the poller feeds it results and the time.
///
/// - `down`: connection refused/reset or timeout. `bad`: HTTP error status or undecodable body (message kept).
/// - `stale`: an `up` node with no success for 2 health intervals (e.g. polls stuck behind backoff).
/// - Backoff: refused connections are cheap, so they are retried every interval (a node that comes back is `up`
///   within 2 intervals); timeouts/resets cost a full timeout, so they back off 2×, 4× the interval (cap 4×).
/// - A flap is a change between responding (`up`) and not (`down`/`bad`).
public struct NodeTracker: Sendable, Equatable {
    public enum Failure: Error, Sendable, Equatable {
        /// Refused: nothing listening. Cheap to retry.
        case refused(String)
        /// Timeout or reset: expensive to retry.
        case unreachable(String)
        /// HTTP error or undecodable body.
        case bad(String)

        public var message: String {
            switch self {
            case .refused(let m), .unreachable(let m), .bad(let m): return m
            }
        }
    }

    public static let historyLimit = 120
    public static let errorLogLimit = 50

    public private(set) var status: NodeStatus
    public private(set) var consecutiveFailures = 0
    private var lastFailure: Failure?

    public init(name: String, url: String) {
        status = NodeStatus(name: name, url: url)
    }

    public mutating func recordSuccess(_ health: HealthResponse, latencyMs: Double, nowMs: Int64) {
        if status.state == .down || status.state == .bad { status.flaps += 1 }
        status.state = .up
        status.latencyMs = latencyMs
        status.lastSuccessMs = nowMs
        status.version = health.version
        status.uptimeSeconds = health.uptimeSeconds
        status.cluster = health.cluster
        status.successCount += 1
        status.lastError = nil
        appendLatency(latencyMs)
        consecutiveFailures = 0
        lastFailure = nil
    }

    public mutating func recordFailure(_ failure: Failure, latencyMs: Double?, nowMs: Int64) {
        if status.state == .up || status.state == .stale { status.flaps += 1 }
        switch failure {
        case .refused, .unreachable: status.state = .down
        case .bad: status.state = .bad
        }
        status.latencyMs = latencyMs
        status.lastError = failure.message
        status.failureCount += 1
        if let latencyMs { appendLatency(latencyMs) }
        if status.errorLog.last?.message != failure.message || status.errorLog.isEmpty {
            status.errorLog.append(NodeErrorEntry(ts: nowMs, message: failure.message))
            if status.errorLog.count > Self.errorLogLimit { status.errorLog.removeFirst(status.errorLog.count - Self.errorLogLimit) }
        }
        consecutiveFailures += 1
        lastFailure = failure
    }

    /// A failure of another endpoint (e.g. garbage metrics) on a node whose health still answers: kept in the node's
    /// error log without changing its state or flap count, so the operator can see why its figures are missing.
    public mutating func recordNote(_ message: String, nowMs: Int64) {
        guard status.errorLog.last?.message != message else { return }
        status.errorLog.append(NodeErrorEntry(ts: nowMs, message: message))
        if status.errorLog.count > Self.errorLogLimit { status.errorLog.removeFirst(status.errorLog.count - Self.errorLogLimit) }
    }

    /// Marks an `up` node `stale` when its last success is older than 2 intervals.
    public mutating func age(nowMs: Int64, healthIntervalMs: Int64) {
        guard status.state == .up, let last = status.lastSuccessMs else { return }
        if nowMs - last > 2 * healthIntervalMs { status.state = .stale }
    }

    /// How long to wait before the next health poll.
    public func nextDelayMs(healthIntervalMs: Int64) -> Int64 {
        guard consecutiveFailures > 0, case .unreachable = lastFailure else { return healthIntervalMs }
        let factor = Int64(1) << Int64(min(consecutiveFailures, 3) - 1)   // 1, 2, 4
        return healthIntervalMs * min(factor, 4)
    }

    public var healthSample: NodeHealthSample { status.healthSample }

    private mutating func appendLatency(_ value: Double) {
        status.latencyHistory.append(value)
        if status.latencyHistory.count > Self.historyLimit {
            status.latencyHistory.removeFirst(status.latencyHistory.count - Self.historyLimit)
        }
    }
}
