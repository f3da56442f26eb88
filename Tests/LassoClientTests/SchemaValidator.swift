import Foundation

/// A JSON value that keeps integers, floats and booleans apart (JSONSerialization blurs them into NSNumber).
indirect enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), int(Int64), double(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !list.isAtEnd { items.append(try list.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            var object: [String: JSONValue] = [:]
            for key in keyed.allKeys { object[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key) }
            self = .object(object)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let b = try? single.decode(Bool.self) { self = .bool(b) }
        else if let i = try? single.decode(Int64.self) { self = .int(i) }
        else if let d = try? single.decode(Double.self) { self = .double(d) }
        else { self = .string(try single.decode(String.self)) }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var int: Int64? { if case .int(let i) = self { return i }; return nil }
}

/// Validates the subset of JSON Schema that docs/snapshot-schema.json uses: type (one or a list), enum, required,
/// properties, items. Returns every violation with its JSON path.
enum SchemaValidator {
    static func validate(_ value: JSONValue, schema: JSONValue, path: String = "$") -> [String] {
        var problems: [String] = []
        if let typeSpec = schema["type"] {
            let allowed = typeSpec.array?.compactMap(\.string) ?? [typeSpec.string].compactMap { $0 }
            if !allowed.contains(where: { matches(value, type: $0) }) {
                return ["\(path): expected \(allowed.joined(separator: "|")), got \(describe(value))"]
            }
        }
        if let options = schema["enum"]?.array, !options.contains(value) {
            problems.append("\(path): \(describe(value)) not in enum")
        }
        if case .object(let object) = value {
            for key in schema["required"]?.array?.compactMap(\.string) ?? [] where object[key] == nil {
                problems.append("\(path): missing required '\(key)'")
            }
            if case .object(let properties) = schema["properties"] ?? .null {
                for (key, subschema) in properties {
                    if let child = object[key] { problems += validate(child, schema: subschema, path: "\(path).\(key)") }
                }
            }
        }
        if case .array(let items) = value, let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() { problems += validate(item, schema: itemSchema, path: "\(path)[\(index)]") }
        }
        return problems
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double),
             ("string", .string), ("array", .array), ("object", .object): return true
        default: return false
        }
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .int(let i): return "\(i)"
        case .double(let d): return "\(d)"
        case .string(let s): return "\"\(s)\""
        case .array: return "array"
        case .object: return "object"
        }
    }

    static func loadSchema() throws -> JSONValue {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/snapshot-schema.json")
        return try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
    }
}
