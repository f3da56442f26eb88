/// A pending/firing/resolved alert (docs/alerts.md), produced by `AlertEngine` beside this file.
public struct Alert: Codable, Equatable, Sendable {
    public enum State: String, Codable, Sendable { case pending, firing, resolved }
    public enum Level: String, Codable, Sendable, Comparable {
        case warning, critical
        public static func < (a: Level, b: Level) -> Bool { a == .warning && b == .critical }
    }

    /// The rule id (`AlertRule.rawValue`).
    public var rule: String
    public var level: Level
    public var state: State
    /// First evaluation at which the condition held.
    public var startedAtMs: Int64
    /// The latest measured value (while resolving: the value that cleared it).
    public var value: Double
    public var threshold: Double
    public var explanation: String
    /// What the alert is about (a node, or "chain/provider"), when not the whole cluster.
    public var subject: String?
    /// The value in words, e.g. "1 of 3 nodes responding".
    public var detail: String?
    /// When it became firing.
    public var firingSinceMs: Int64?
    /// When it resolved.
    public var resolvedAtMs: Int64?

    public init(rule: String, level: Level, state: State, startedAtMs: Int64, value: Double, threshold: Double,
                explanation: String, subject: String? = nil, detail: String? = nil, firingSinceMs: Int64? = nil,
                resolvedAtMs: Int64? = nil) {
        self.rule = rule
        self.level = level
        self.state = state
        self.startedAtMs = startedAtMs
        self.value = value
        self.threshold = threshold
        self.explanation = explanation
        self.subject = subject
        self.detail = detail
        self.firingSinceMs = firingSinceMs
        self.resolvedAtMs = resolvedAtMs
    }

    // JSON keys are snake_case like the rest of the snapshot (schema lassotop.snapshot/2).
    enum CodingKeys: String, CodingKey {
        case rule, level, state, value, threshold, explanation, subject, detail
        case startedAtMs = "started_at_ms", firingSinceMs = "firing_since_ms", resolvedAtMs = "resolved_at_ms"
    }

    /// The camelCase keys of schema /1, still read so older documents and recordings load.
    enum LegacyKeys: String, CodingKey { case startedAtMs, firingSinceMs, resolvedAtMs }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let legacy = try decoder.container(keyedBy: LegacyKeys.self)
        rule = try c.decode(String.self, forKey: .rule)
        level = try c.decode(Level.self, forKey: .level)
        state = try c.decode(State.self, forKey: .state)
        startedAtMs = try c.decodeIfPresent(Int64.self, forKey: .startedAtMs) ?? legacy.decode(Int64.self, forKey: .startedAtMs)
        value = try c.decode(Double.self, forKey: .value)
        threshold = try c.decode(Double.self, forKey: .threshold)
        explanation = try c.decode(String.self, forKey: .explanation)
        subject = try c.decodeIfPresent(String.self, forKey: .subject)
        detail = try c.decodeIfPresent(String.self, forKey: .detail)
        firingSinceMs = try c.decodeIfPresent(Int64.self, forKey: .firingSinceMs)
            ?? legacy.decodeIfPresent(Int64.self, forKey: .firingSinceMs)
        resolvedAtMs = try c.decodeIfPresent(Int64.self, forKey: .resolvedAtMs)
            ?? legacy.decodeIfPresent(Int64.self, forKey: .resolvedAtMs)
    }
}
