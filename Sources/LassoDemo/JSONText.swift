import LassoCore

/// Hand-built JSON, so the Lasso quirks are exact: ints stay ints, floats always carry a decimal point, nulls are
/// written where Lasso writes them, and key order matches the reference.
enum JSONText {
    static func string(_ value: String) -> String {
        // Names, ids and methods need no escaping: quoted as they are, without the scalar walk below (the demo
        // encodes every event and metrics entry it serves with this).
        if isPlain(value) {
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
        return text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") } ? text : text + ".0"
    }

    /// True when `string` would quote `value` as it is.
    static func isPlain(_ value: String) -> Bool {
        // The UTF-8 buffer when the string has one (native strings do), the view's iterator otherwise.
        value.utf8.withContiguousStorageIfAvailable { isPlain(bytes: $0) } ?? isPlain(bytes: value.utf8)
    }

    static func isPlain<Bytes: Sequence<UInt8>>(bytes: Bytes) -> Bool {
        for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
        return true
    }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }

    /// ISO-8601 UTC with microseconds, as Lasso's health `timestamp` (`2026-08-15T10:12:33.123456Z`).
    static func isoTimestamp(microsecondsSinceEpoch micros: Int64) -> String {
        Units.isoUTC(secondsSinceEpoch: micros / 1_000_000, microseconds: Int(micros % 1_000_000))
    }
}

/// JSON written into bytes and made into one `String` at the end: the demo encodes every event it generates and every
/// metrics entry it serves, and appending pieces to a `String` cost a few hundred instructions each.
struct JSONBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Text written as is: keys, punctuation, values known to need no escaping.
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ text: String) {
        // From the string's UTF-8 buffer in one copy when it has one (appending the view goes byte by byte).
        if text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil { bytes.append(contentsOf: text.utf8) }
    }

    /// `JSONText.string(value)`.
    mutating func string(_ value: String) {
        let quoted: Bool? = value.utf8.withContiguousStorageIfAvailable { buffer in
            guard JSONText.isPlain(bytes: buffer) else { return false }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: buffer)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if quoted != true { raw(JSONText.string(value)) }
    }

    /// `JSONText.optionalString(value)`.
    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    /// An integer as `"\(value)"` writes it.
    mutating func int<T: BinaryInteger>(_ value: T) {
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes: room for any 64-bit integer
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    /// `JSONText.float(value, places:)`, written from integers where that is the same text: below 10⁹ with 1–4
    /// places, the shortest decimal that reads back as `rounded/scale` is the rounded figure itself (doubles there
    /// are far finer than 10⁻⁴), without trailing zeros but with one fraction digit (`DemoUnitTests` compares the two
    /// on 200,000 random values). Anything else, and `-0.0`, goes through `JSONText.float`.
    mutating func float(_ value: Double, places: Int) {
        guard (1...4).contains(places), value.sign == .plus, value < 1e9 else { return raw(JSONText.float(value, places: places)) }
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((value * Double(scale)).rounded())
        var fraction = scaled % scale
        var digits = places
        while digits > 1, fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        int(scaled / scale)
        bytes.append(UInt8(ascii: "."))
        var divisor = 1
        for _ in 1..<digits { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

