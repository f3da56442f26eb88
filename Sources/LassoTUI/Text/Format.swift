import Foundation
import LassoCore

/// Number and time formatting for cells. Fixed rules, no locale, so goldens are stable.
enum Format {
    // Figures with a unit come from LassoCore's `Units`, the one formatter `snapshot --format table` and alert
    // texts use too.
    static func ms(_ value: Double?, dash: String = "—") -> String { Units.ms(value, dash: dash) }

    /// A fraction 0…1 as a percentage.
    static func percent(_ fraction: Double?, dash: String = "—") -> String { Units.percent(fraction, dash: dash) }

    static func count(_ value: Int) -> String { Units.count(value) }

    static func rate(_ value: Double?, dash: String = "—") -> String { Units.rate(value, dash: dash) }

    static func score(_ value: Double) -> String { Units.score(value) }

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
        let (hours, minutes, secs) = (day / 3600, (day % 3600) / 60, day % 60)
        // Eight bytes written in place (a feed row's first cell, every drawn row of every frame): the concatenation
        // of three `twoDigits` built eight strings.
        return String(unsafeUninitializedCapacity: 8) { out in
            out[0] = UInt8(48 + hours / 10)
            out[1] = UInt8(48 + hours % 10)
            out[2] = 58
            out[3] = UInt8(48 + minutes / 10)
            out[4] = UInt8(48 + minutes % 10)
            out[5] = 58
            out[6] = UInt8(48 + secs / 10)
            out[7] = UInt8(48 + secs % 10)
            return 8
        }
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e9 { return String(Int(value)) }
        if abs(value) < 1 { return fixed(value, 2) }
        return fixed(value, 1)
    }

    /// Fixed decimals without the C formatter, same text as `String(format:)` (`Units.fixed`).
    static func fixed(_ value: Double, _ decimals: Int) -> String { Units.fixed(value, decimals) }

    static func twoDigits(_ value: Int) -> String { value < 10 && value >= 0 ? "0" + String(value) : String(value) }

    static func bytes(_ value: Int) -> String {
        let v = Double(value)
        if value >= 1 << 30 { return fixed(v / Double(1 << 30), 1) + " GiB" }
        if value >= 1 << 20 { return fixed(v / Double(1 << 20), 1) + " MiB" }
        if value >= 1 << 10 { return fixed(v / Double(1 << 10), 1) + " KiB" }
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
