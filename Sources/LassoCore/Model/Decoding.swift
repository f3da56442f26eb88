import Foundation

/// A body from a node that could not be turned into a model. Names the field so the node's row can say what broke.
public struct LassoDecodeError: Error, Equatable, CustomStringConvertible, Sendable {
    public let endpoint: String
    public let field: String
    public let reason: String

    public init(endpoint: String, field: String, reason: String) {
        self.endpoint = endpoint
        self.field = field
        self.reason = reason
    }

    public var description: String {
        field.isEmpty ? "\(endpoint): \(reason)" : "\(endpoint): field \(field): \(reason)"
    }
}

public enum LassoJSON {
    /// Decodes `body` as `T`, mapping Foundation's errors to a `LassoDecodeError` naming the field path.
    public static func decode<T: Decodable>(_ type: T.Type, from body: Data, endpoint: String) throws(LassoDecodeError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch let error as DecodingError {
            throw describe(error, endpoint: endpoint)
        } catch {
            throw LassoDecodeError(endpoint: endpoint, field: "", reason: "invalid JSON")
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return out
    }

    /// "expected Dictionary<String, Any>" means nothing to an operator: name the JSON type instead.
    static func jsonName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Dictionary") { return "a JSON object" }
        if name.hasPrefix("Array") { return "a JSON array" }
        if name == "String" { return "a string" }
        if name == "Bool" { return "true/false" }
        if ["Int", "Int64", "Double", "Float", "UInt64"].contains(name) { return "a number" }
        return name
    }

    static func describe(_ error: DecodingError, endpoint: String) -> LassoDecodeError {
        switch error {
        case .keyNotFound(let key, let context):
            return LassoDecodeError(endpoint: endpoint, field: path(context.codingPath + [key]), reason: "missing")
        case .typeMismatch(let type, let context):
            return LassoDecodeError(endpoint: endpoint, field: path(context.codingPath), reason: "expected \(jsonName(type))")
        case .valueNotFound(let type, let context):
            return LassoDecodeError(endpoint: endpoint, field: path(context.codingPath), reason: "null where \(type) expected")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return LassoDecodeError(endpoint: endpoint, field: field, reason: field.isEmpty ? "invalid JSON" : "invalid value")
        @unknown default:
            return LassoDecodeError(endpoint: endpoint, field: "", reason: "undecodable")
        }
    }
}

extension KeyedDecodingContainer {
    /// Largest latency/score/gauge accepted (ms: about 31 years). Anything above is garbage, and letting it through
    /// would overflow the call-weighted sums (value × calls) to ±inf/NaN and poison the whole aggregate.
    static var numberLimit: Double { 1e12 }

    /// Lasso sends latencies as int or float; both decode to Double. Every such figure (latency, score, rate, gauge)
    /// is non-negative: negative, non-finite or absurdly large values are rejected as invalid.
    func decodeNumber(_ key: Key) throws -> Double {
        let value: Double
        if let int = try? decode(Int64.self, forKey: key) {
            value = Double(int)
        } else {
            value = try decode(Double.self, forKey: key)
        }
        guard value.isFinite, value >= 0, value <= Self.numberLimit else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "number out of range")
        }
        return value
    }

    /// How far above 1 a fraction may be and still count as 1: nodes compute success rates in floating point, and
    /// 1.0000001 is rounding, not garbage.
    static var fractionSlack: Double { 1e-6 }

    /// A fraction 0...1 (success rates); a rounding overshoot up to `fractionSlack` is clamped to 1.
    func decodeFractionIfPresent(_ key: Key) throws -> Double? {
        guard let value = try decodeNumberIfPresent(key) else { return nil }
        guard value <= 1 + Self.fractionSlack else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "fraction above 1")
        }
        return min(value, 1)
    }

    func decodeNumberIfPresent(_ key: Key) throws -> Double? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodeNumber(key)
    }

    /// Counters must be non-negative integers; a float with no fraction (1200.0) is accepted.
    /// Counters at or above this are garbage. The bound leaves room to sum thousands of nodes' counters in an `Int`
    /// (Int.max ≈ 9.2e18) without an overflow trap.
    static var countLimit: Int { 1_000_000_000_000_000 }

    func decodeCount(_ key: Key) throws -> Int {
        if let int = try? decode(Int.self, forKey: key) {
            guard int >= 0 else {
                throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "negative count")
            }
            guard int < Self.countLimit else {
                throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "count out of range")
            }
            return int
        }
        let double = try decode(Double.self, forKey: key)
        guard double.isFinite, double >= 0, double.rounded() == double, double < Double(Self.countLimit) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not a count")
        }
        return Int(double)
    }

    func decodeCountIfPresent(_ key: Key) throws -> Int? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodeCount(key)
    }
}

/// Consumes one array element of any shape, keeping its id (when it has one) to name a dropped entry.
struct SkippedEntry: Decodable {
    var id: String?

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        guard let c = try? decoder.container(keyedBy: AnyKey.self) else { return }
        for key in ["id", "provider_id", "method"] {
            if let value = try? c.decode(String.self, forKey: AnyKey(stringValue: key)) {
                id = value
                return
            }
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes an array entry by entry: an entry that does not decode is dropped and described in `dropped`
    /// (its path, its id when it has one, and why), so one bad provider does not throw away a node's whole body.
    /// A missing or null array is empty; a value that is not an array still throws.
    func decodeEntries<T: Decodable>(_ type: T.Type, forKey key: Key, endpoint: String,
                                     dropped: inout [String]) throws -> [T] {
        guard contains(key), try !decodeNil(forKey: key) else { return [] }
        var array = try nestedUnkeyedContainer(forKey: key)
        var result: [T] = []
        while !array.isAtEnd {
            let index = array.currentIndex
            do {
                result.append(try array.decode(T.self))
            } catch {
                let skipped = try array.decode(SkippedEntry.self)
                var text = LassoJSON.path(codingPath + [key]) + "[\(index)]"
                if let id = skipped.id { text += " (\(id))" }
                if let error = error as? DecodingError {
                    let described = LassoJSON.describe(error, endpoint: endpoint)
                    text += ": " + (described.field.isEmpty ? described.reason
                                    : "\(described.field.split(separator: ".").last ?? "") \(described.reason)")
                }
                dropped.append(text)
            }
        }
        return result
    }
}
