/// The one duration formatter. The TUI, `snapshot --format table` and alert texts all call it; they differ only in
/// the largest unit and in how they treat a negative value, so those are explicit styles here rather than three
/// copies that could drift. ASCII only, no locale, so golden frames and CLI output stay byte-stable.
public enum Units {
    public enum DurationStyle: Sendable {
        /// "45s", "2m05s", "1h02m", "3d04h": uptimes (TUI node tables, `snapshot --format table`).
        case upToDays
        /// "45s", "2m05s", "1h02m", "27h00m": alert hold times and windows, which never need days.
        case upToHours
    }

    /// Whole seconds, truncated. A negative value prints as "-5s" (callers decide what negative means: the TUI shows
    /// a dash, alerts clamp clock skew to 0).
    public static func duration(seconds: Int64, style: DurationStyle = .upToDays) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" + twoDigits(seconds % 60) + "s" }
        if seconds < 86_400 || style == .upToHours { return "\(seconds / 3600)h" + twoDigits((seconds % 3600) / 60) + "m" }
        return "\(seconds / 86_400)d" + twoDigits((seconds % 86_400) / 3600) + "h"
    }

    /// Milliseconds, truncated to whole seconds.
    public static func duration(ms: Int64, style: DurationStyle = .upToDays) -> String {
        duration(seconds: ms / 1000, style: style)
    }

    private static func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    // MARK: one formatter per unit
    // The TUI, `snapshot --format table`, alert texts and the Alerts view all format figures here, so a success rate
    // reads "87.4%" and a latency "43ms" wherever it appears. Fixed rules, no locale.

    /// What a figure measures, to pick its formatter.
    public enum Unit: String, Sendable, Codable {
        /// 0…1, shown as a percentage.
        case fraction
        case milliseconds
        /// Events or calls per second.
        case perSecond
        case count
        case seconds
    }

    /// Latency: "8.5ms", "43ms", "1.2s", "12s".
    public static func ms(_ value: Double?, dash: String = "—") -> String {
        guard let value, value.isFinite else { return dash }
        if value >= 10_000 { return format("%.0fs", value / 1000) }
        if value >= 1000 { return format("%.1fs", value / 1000) }
        if value >= 10 { return format("%.0fms", value) }
        return format("%.1fms", value)
    }

    /// A fraction 0…1 as a percentage: "87.4%", "100%" (from 99.95 % up).
    public static func percent(_ fraction: Double?, dash: String = "—") -> String {
        guard let fraction, fraction.isFinite else { return dash }
        let value = fraction * 100
        if value >= 99.95 { return "100%" }
        return format("%.1f%%", value)
    }

    /// A rate per second: "0.25", "12.5", "340".
    public static func rate(_ value: Double?, dash: String = "—") -> String {
        guard let value, value.isFinite else { return dash }
        if value >= 100 { return format("%.0f", value) }
        if value >= 10 { return format("%.1f", value) }
        return format("%.2f", value)
    }

    /// A count, shortened: "950", "1.2k", "45k", "3.4M".
    public static func count(_ value: Int) -> String {
        let v = Double(value)
        if value >= 10_000_000 { return format("%.0fM", v / 1_000_000) }
        if value >= 1_000_000 { return format("%.1fM", v / 1_000_000) }
        if value >= 10_000 { return format("%.0fk", v / 1000) }
        if value >= 1000 { return format("%.1fk", v / 1000) }
        return String(value)
    }

    public static func score(_ value: Double) -> String { format("%.2f", value) }

    /// Any figure by its unit (alert values and thresholds).
    public static func value(_ value: Double, unit: Unit) -> String {
        switch unit {
        case .fraction: return percent(value)
        case .milliseconds: return ms(value)
        case .perSecond: return rate(value) + "/s"
        case .seconds: return value.isFinite ? duration(seconds: Int64(value), style: .upToHours) : "—"
        case .count:
            guard value.isFinite else { return "—" }
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : format("%.1f", value)
        }
    }

    private static func format(_ pattern: String, _ value: Double) -> String { String(format: pattern, value) }
}
