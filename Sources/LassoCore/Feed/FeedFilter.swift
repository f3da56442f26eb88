import Foundation

/// The feed filter typed after `/` in the TUI and given to `snapshot --feed-filter` (syntax in docs/feed.md).
///
/// Space-separated terms, all of which must hold:
/// - `chain:X` chain name or chain id, `provider:X`, `method:X`, `node:X` (source node or relay node):
///   case-insensitive substring of that field;
/// - `kind:X` (routing, circuit, cluster): exact, case-insensitive;
/// - `result:error` or the bare word `error`: the event is an error (routing error, circuit opened, cluster entry of
///   warning or worse); `result:success` / `result:ok`: a routing success;
/// - anything else: case-insensitive substring of any visible field.
/// A leading `!` negates a term. A term with an empty value (`chain:` while typing) is ignored.
public struct FeedFilter: Sendable, Equatable, CustomStringConvertible {
    public enum Field: String, Sendable, CaseIterable {
        case chain, provider, method, node, kind, result
    }

    public enum Predicate: Sendable, Equatable {
        case field(Field, String)
        case isError
        case isSuccess
        case text(String)
    }

    public struct Term: Sendable, Equatable {
        public var predicate: Predicate
        public var negated: Bool
    }

    public private(set) var terms: [Term]
    /// The terms' values as lowercased UTF-8, so matching a frame's worth of events allocates nothing.
    private let needles: [Needle]

    public init(terms: [Term] = []) {
        self.terms = terms
        needles = terms.map { term in
            switch term.predicate {
            case .field(_, let value), .text(let value): return Needle(value)
            case .isError, .isSuccess: return Needle("")
            }
        }
    }

    public var isEmpty: Bool { terms.isEmpty }

    public static func parse(_ text: String) -> FeedFilter {
        var terms: [Term] = []
        for word in text.split(whereSeparator: \.isWhitespace) {
            var body = Substring(word)
            var negated = false
            if body.hasPrefix("!") {
                negated = true
                body = body.dropFirst()
            }
            guard let predicate = predicate(body) else { continue }
            terms.append(Term(predicate: predicate, negated: negated))
        }
        return FeedFilter(terms: terms)
    }

    private static func predicate(_ body: Substring) -> Predicate? {
        guard !body.isEmpty else { return nil }
        if body.lowercased() == "error" { return .isError }
        if let colon = body.firstIndex(of: ":"), let field = Field(rawValue: body[..<colon].lowercased()) {
            let value = body[body.index(after: colon)...].lowercased()
            guard !value.isEmpty else { return nil }
            if field == .result {
                switch value {
                case "error", "err": return .isError
                case "success", "ok": return .isSuccess
                default: return .field(.result, value)
                }
            }
            return .field(field, value)
        }
        return .text(body.lowercased())
    }

    public func matches(_ event: FeedEvent) -> Bool {
        for index in terms.indices where Self.holds(terms[index].predicate, needles[index], event) == terms[index].negated {
            return false
        }
        return true
    }

    public var description: String {
        terms.map { term in
            let body: String
            switch term.predicate {
            case .field(let field, let value): body = field.rawValue + ":" + value
            case .isError: body = "result:error"
            case .isSuccess: body = "result:success"
            case .text(let text): body = text
            }
            return term.negated ? "!" + body : body
        }.joined(separator: " ")
    }

    private static func holds(_ predicate: Predicate, _ needle: Needle, _ event: FeedEvent) -> Bool {
        switch predicate {
        case .isError:
            return event.isError
        case .isSuccess:
            return event.kind == .routing && event.result == "success"
        case .field(.chain, _):
            return needle.found(in: event.chain) || (event.chainID.map { needle.found(in: String($0)) } ?? false)
        case .field(.provider, _):
            return needle.found(in: event.providerID) || needle.found(in: event.providerName)
        case .field(.method, _):
            return needle.found(in: event.method)
        case .field(.node, _):
            return needle.found(in: event.node) || needle.found(in: event.sourceNodeID) || needle.found(in: event.relayNode)
        case .field(.kind, let value):
            return event.kind.rawValue == value
        case .field(.result, let value):
            return event.result?.lowercased() == value
        case .text:
            return anyVisibleField(event, contains: needle)
        }
    }

    /// The fields a feed row shows (plus the request id, which the detail view shows), cheapest first.
    private static func anyVisibleField(_ event: FeedEvent, contains needle: Needle) -> Bool {
        needle.found(in: event.kind.rawValue) || needle.found(in: event.node) || needle.found(in: event.sourceNodeID)
            || needle.found(in: event.relayNode) || needle.found(in: event.chain) || needle.found(in: event.method)
            || needle.found(in: event.providerID) || needle.found(in: event.providerName)
            || needle.found(in: event.result) || needle.found(in: event.requestID) || needle.found(in: event.strategy)
            || needle.found(in: event.transport) || needle.found(in: event.from) || needle.found(in: event.to)
            || needle.found(in: event.reason) || needle.found(in: event.message) || needle.found(in: event.severity?.rawValue)
            || (event.chainID.map { needle.found(in: String($0)) } ?? false)
    }
}

/// A lowercased search value. ASCII values are matched byte-wise with ASCII case folding (no allocation); a value
/// with other characters falls back to Foundation's case-insensitive search.
private struct Needle: Sendable, Equatable {
    let text: String
    let bytes: [UInt8]
    let isASCII: Bool

    init(_ loweredText: String) {
        text = loweredText
        bytes = Array(loweredText.utf8)
        isASCII = bytes.allSatisfy { $0 < 0x80 }
    }

    func found(in field: String?) -> Bool {
        guard let field else { return false }
        guard isASCII else { return field.range(of: text, options: .caseInsensitive) != nil }
        if bytes.isEmpty { return true }
        if let result = field.utf8.withContiguousStorageIfAvailable({ search($0) }) { return result }
        return Array(field.utf8).withUnsafeBufferPointer { search($0) }
    }

    private func search(_ haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = bytes.count
        guard haystack.count >= count else { return false }
        let first = bytes[0]
        var start = 0
        let last = haystack.count - count
        while start <= last {
            if Needle.fold(haystack[start]) == first {
                var offset = 1
                while offset < count && Needle.fold(haystack[start + offset]) == bytes[offset] { offset += 1 }
                if offset == count { return true }
            }
            start += 1
        }
        return false
    }

    @inline(__always)
    private static func fold(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}
