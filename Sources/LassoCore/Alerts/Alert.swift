/// A firing/pending/resolved alert (issue #9). Rule evaluation lives beside this file.
public struct Alert: Codable, Equatable, Sendable {
    public enum State: String, Codable, Sendable { case pending, firing, resolved }
    public enum Level: String, Codable, Sendable, Comparable {
        case warning, critical
        public static func < (a: Level, b: Level) -> Bool { a == .warning && b == .critical }
    }

    public var rule: String
    public var level: Level
    public var state: State
    public var startedAtMs: Int64
    public var value: Double
    public var threshold: Double
    public var explanation: String
    /// What the alert is about (a node, a provider), when not the whole cluster.
    public var subject: String?

    public init(rule: String, level: Level, state: State, startedAtMs: Int64, value: Double, threshold: Double,
                explanation: String, subject: String? = nil) {
        self.rule = rule
        self.level = level
        self.state = state
        self.startedAtMs = startedAtMs
        self.value = value
        self.threshold = threshold
        self.explanation = explanation
        self.subject = subject
    }
}
