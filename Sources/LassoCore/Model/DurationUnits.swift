/// One spelling of a `Duration` as a number, for figures, timeouts and ages (seconds with their fraction; whole
/// milliseconds, truncated toward zero as integer division does).
extension Duration {
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    public var inMilliseconds: Int64 { components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000 }
}
