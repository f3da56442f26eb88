import Foundation

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

    /// ISO 8601 in UTC, `2026-08-15T10:12:33Z`, or `2026-08-15T10:12:33.123456Z` with `microseconds`, from libc's
    /// calendar: `ISO8601DateFormatter` loads ICU's calendar data on first use (~4 MB resident). The log's stamps and
    /// the demo's health `timestamp` are written here.
    public static func isoUTC(secondsSinceEpoch: Int64, microseconds: Int? = nil) -> String {
        var seconds = time_t(secondsSinceEpoch)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ n: Int, _ width: Int) -> String {
            let text = String(n)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let fraction = microseconds.map { "." + pad($0, 6) } ?? ""
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))T"
            + "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))\(fraction)Z"
    }

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
        if value >= 10_000 { return fixed(value / 1000, 0) + "s" }
        if value >= 1000 { return fixed(value / 1000, 1) + "s" }
        if value >= 10 { return fixed(value, 0) + "ms" }
        return fixed(value, 1) + "ms"
    }

    /// A fraction 0…1 as a percentage: "87.4%", "100%" (from 99.95 % up).
    public static func percent(_ fraction: Double?, dash: String = "—") -> String {
        guard let fraction, fraction.isFinite else { return dash }
        let value = fraction * 100
        if value >= 99.95 { return "100%" }
        return fixed(value, 1) + "%"
    }

    /// A rate per second: "0.25", "12.5", "340".
    public static func rate(_ value: Double?, dash: String = "—") -> String {
        guard let value, value.isFinite else { return dash }
        if value >= 100 { return fixed(value, 0) }
        if value >= 10 { return fixed(value, 1) }
        return fixed(value, 2)
    }

    /// A count, shortened: "950", "1.2k", "45k", "3.4M".
    public static func count(_ value: Int) -> String {
        let v = Double(value)
        if value >= 10_000_000 { return fixed(v / 1_000_000, 0) + "M" }
        if value >= 1_000_000 { return fixed(v / 1_000_000, 1) + "M" }
        if value >= 10_000 { return fixed(v / 1000, 0) + "k" }
        if value >= 1000 { return fixed(v / 1000, 1) + "k" }
        return String(value)
    }

    public static func score(_ value: Double) -> String { fixed(value, 2) }

    /// Any figure by its unit (alert values and thresholds).
    public static func value(_ value: Double, unit: Unit) -> String {
        switch unit {
        case .fraction: return percent(value)
        case .milliseconds: return ms(value)
        case .perSecond: return rate(value) + "/s"
        case .seconds: return value.isFinite ? duration(seconds: Int64(value), style: .upToHours) : "—"
        case .count:
            guard value.isFinite else { return "—" }
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : fixed(value, 1)
        }
    }

    /// `String(format: "%.<decimals>f", value)` for 0…3 decimals without the C formatter (the TUI's render path calls
    /// this for every number cell). Negative, huge and non-finite values, and values next to a rounding tie, go to
    /// the C formatter, so the text is always the same as `String(format:)`'s.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        let scale: Int64 = decimals == 0 ? 1 : decimals == 1 ? 10 : decimals == 2 ? 100 : 1000
        let product = value * Double(scale)
        // Below 1e9 the product is within 1e-7 of the exact scaled value, so the tie test below is safe.
        guard value.isFinite, value.sign == .plus, product < 1e9, (0...3).contains(decimals) else {
            return String(format: "%.\(decimals)f", value)
        }
        let down = product.rounded(.down)
        var scaled = Int64(product.rounded())
        if product - down == 0.5 {
            // The product landed on a tie; its rounding error (exact, by a fused multiply-add) says which side of it
            // the exact value is. An exact tie rounds to even, as printf does in the default rounding mode.
            let error = (-product).addingProduct(value, Double(scale))
            scaled = Int64(down) + (error > 0 || (error == 0 && Int64(down) % 2 != 0) ? 1 : 0)
        } else if abs(product - down - 0.5) < 1e-6 {
            // Near a tie the product's own rounding decides, not the exact binary value: ask the C formatter.
            return String(format: "%.\(decimals)f", value)
        }
        if decimals == 0 { return String(scaled) }
        let fraction = String(scaled % scale)
        return String(scaled / scale) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
}
