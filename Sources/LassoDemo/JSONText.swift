#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Hand-built JSON, so the Lasso quirks are exact: ints stay ints, floats always carry a decimal point, nulls are
/// written where Lasso writes them, and key order matches the reference.
enum JSONText {
    static func string(_ value: String) -> String {
        // Names, ids and methods need no escaping: quoted as they are, without the scalar walk below (the demo
        // encodes every event and metrics entry it serves with this).
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            var out = "\""
            out.reserveCapacity(value.utf8.count + 2)
            out += value
            out += "\""
            return out
        }
        var out = "\""
        out.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20:
                let hex = String(s.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func optionalString(_ value: String?) -> String { value.map(string) ?? "null" }

    /// A float rounded to `places` decimals, always written with a decimal point (`80.0`, never `80`).
    static func float(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "0.0" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        let text = "\(rounded)"
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }

    /// ISO-8601 UTC with microseconds, as Lasso's health `timestamp` (`2026-08-15T10:12:33.123456Z`).
    static func isoTimestamp(microsecondsSinceEpoch micros: Int64) -> String {
        var seconds = time_t(micros / 1_000_000)
        let fraction = Int(micros % 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ n: Int, _ width: Int) -> String {
            let text = String(n)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))T"
            + "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2)).\(pad(fraction, 6))Z"
    }
}
