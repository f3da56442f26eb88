import Foundation
import LassoCore

/// Number and time formatting for cells. Fixed rules, no locale, so goldens are stable.
enum Format {
    static func ms(_ value: Double?, dash: String = "—") -> String {
        guard let value, value.isFinite else { return dash }
        if value >= 10_000 { return String(format: "%.0fs", value / 1000) }
        if value >= 1000 { return String(format: "%.1fs", value / 1000) }
        if value >= 10 { return String(format: "%.0fms", value) }
        return String(format: "%.1fms", value)
    }

    /// A fraction 0…1 as a percentage.
    static func percent(_ fraction: Double?, dash: String = "—") -> String {
        guard let fraction, fraction.isFinite else { return dash }
        let value = fraction * 100
        if value >= 99.95 { return "100%" }
        return String(format: "%.1f%%", value)
    }

    static func count(_ value: Int) -> String {
        let v = Double(value)
        if value >= 10_000_000 { return String(format: "%.0fM", v / 1_000_000) }
        if value >= 1_000_000 { return String(format: "%.1fM", v / 1_000_000) }
        if value >= 10_000 { return String(format: "%.0fk", v / 1000) }
        if value >= 1000 { return String(format: "%.1fk", v / 1000) }
        return String(value)
    }

    static func rate(_ value: Double?, dash: String = "—") -> String {
        guard let value, value.isFinite else { return dash }
        if value >= 100 { return String(format: "%.0f", value) }
        if value >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }

    static func score(_ value: Double) -> String { String(format: "%.2f", value) }

    static func uptime(_ seconds: Int?, dash: String = "—") -> String {
        guard let seconds, seconds >= 0 else { return dash }
        return Units.duration(seconds: Int64(seconds), style: .upToDays)
    }

    /// Age of a timestamp relative to now, e.g. "12s", "3m05s".
    static func age(sinceMs: Int64, nowMs: Int64) -> String {
        uptime(Int(max(0, nowMs - sinceMs) / 1000))
    }

    /// Wall-clock HH:MM:SS with the given UTC offset (the run loop passes the local offset; tests pass 0).
    static func clock(_ ms: Int64, offsetSeconds: Int) -> String {
        let seconds = Int((ms / 1000) + Int64(offsetSeconds))
        let day = ((seconds % 86_400) + 86_400) % 86_400
        return String(format: "%02d:%02d:%02d", day / 3600, (day % 3600) / 60, day % 60)
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e9 { return String(Int(value)) }
        if abs(value) < 1 { return String(format: "%.2f", value) }
        return String(format: "%.1f", value)
    }

    static func bytes(_ value: Int) -> String {
        let v = Double(value)
        if value >= 1 << 30 { return String(format: "%.1f GiB", v / Double(1 << 30)) }
        if value >= 1 << 20 { return String(format: "%.1f MiB", v / Double(1 << 20)) }
        if value >= 1 << 10 { return String(format: "%.1f KiB", v / Double(1 << 10)) }
        return "\(value) B"
    }
}

/// Bars from history values, newest on the right; gaps (NaN) show as blanks.
enum Sparkline {
    static let unicodeLevels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiLevels: [Character] = ["_", ".", "-", "~", "=", "+", "*", "#"]

    static func render(_ values: [Double], width: Int, ascii: Bool) -> String {
        guard width > 0 else { return "" }
        let recent = Array(values.suffix(width))
        let finite = recent.filter(\.isFinite)
        guard let high = finite.max(), let low = finite.min() else { return "" }
        let levels = ascii ? asciiLevels : unicodeLevels
        var out = ""
        for value in recent {
            guard value.isFinite else { out.append(" "); continue }
            let level = high == low ? (high == 0 ? 0 : levels.count / 2)
                : Int(((value - low) / (high - low) * Double(levels.count - 1)).rounded())
            out.append(levels[min(max(0, level), levels.count - 1)])
        }
        return out
    }

    /// A multi-row bar chart (rows top to bottom), scaled from 0 (or from a little under the minimum, so small
    /// changes on a high baseline stay visible) to the maximum.
    static func chart(_ values: [Double], width: Int, height: Int, ascii: Bool, zeroBased: Bool = true) -> [String] {
        guard width > 0, height > 0 else { return [] }
        let recent = Array(values.suffix(width))
        let finite = recent.filter(\.isFinite)
        let top = finite.max() ?? 0
        let bottom = zeroBased ? 0 : max(0, (finite.min() ?? 0) - (top - (finite.min() ?? 0)) / 4)
        let high = top - bottom
        var rows = Array(repeating: "", count: height)
        let eighths: [Character] = ascii ? [" ", ".", ".", ":", ":", "|", "|", "#", "#"]
            : [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        for value in recent {
            let units = (value.isFinite && high > 0) ? Int(((value - bottom) / high * Double(height * 8)).rounded())
                : (value.isFinite && top > 0 ? height * 4 : 0)
            for row in 0..<height {
                let fromBottom = height - 1 - row
                let filled = min(8, max(0, units - fromBottom * 8))
                rows[row].append(eighths[filled])
            }
        }
        return rows
    }
}
