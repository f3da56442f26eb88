/// Hub mode: one `lassotop serve` polls the cluster and serves snapshots, events and Prometheus metrics to many viewers.
public enum LassoHub {
    public static let apiPrefix = "/api/v1"
}
