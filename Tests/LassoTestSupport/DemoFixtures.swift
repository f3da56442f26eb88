import LassoClient
import LassoDemo

extension DemoCluster {
    /// The running demo nodes as monitor targets (name = node id), in node order.
    public var targets: [NodeTarget] { nodes.map { NodeTarget(name: $0.id, url: $0.url) } }
}
