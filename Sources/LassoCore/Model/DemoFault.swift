/// A fault injected into one node of the embedded demo cluster, at runtime (`POST /_demo/fault` or
/// `DemoCluster.setFault` in LassoDemo). Declared here, beside the other shared value types, so the TUI's demo panel
/// and the backend it calls pass this type end to end instead of mode strings.
public enum DemoFault: String, CaseIterable, Sendable, Codable {
    /// Normal operation.
    case ok
    /// The node's port is closed (its server is stopped); it handles and receives no traffic.
    case down
    /// Every `/api/*` reply is delayed by `DemoConfig.slowDelay` (longer than a client timeout).
    case slow
    /// `/api/*` replies are truncated JSON with status 200.
    case garbage
    /// `/api/*` replies are an HTML 500 page.
    case error500
    /// One-shot: counters, event buffer and sequence reset, uptime back to 0; the node then behaves as `ok`.
    case restart
    /// The node answers but is cut off from its peers: it reports `nodes_connected: 1` and the others count it out.
    case partition

    /// One line for help texts and the TUI's demo panel.
    public var summary: String {
        switch self {
        case .ok: return "normal operation"
        case .down: return "port closed"
        case .slow: return "replies after a long delay"
        case .garbage: return "truncated JSON"
        case .error500: return "HTML 500 page"
        case .restart: return "reset counters, sequence and uptime"
        case .partition: return "cut off from peers"
        }
    }
}
