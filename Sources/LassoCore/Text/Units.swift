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
}
