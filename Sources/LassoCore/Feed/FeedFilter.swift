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

    public init(terms: [Term] = []) {
        self.terms = terms
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
        for term in terms where Self.holds(term.predicate, event) == term.negated {
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

    private static func holds(_ predicate: Predicate, _ event: FeedEvent) -> Bool {
        switch predicate {
        case .isError:
            return event.isError
        case .isSuccess:
            return event.kind == .routing && event.result == "success"
        case .field(.chain, let value):
            return contains(event.chain, value) || contains(event.chainID.map(String.init), value)
        case .field(.provider, let value):
            return contains(event.providerID, value)
        case .field(.method, let value):
            return contains(event.method, value)
        case .field(.node, let value):
            return contains(event.sourceNodeID, value) || contains(event.relayNode, value)
        case .field(.kind, let value):
            return event.kind.rawValue == value
        case .field(.result, let value):
            return event.result?.lowercased() == value
        case .text(let value):
            return visibleFields(event).contains { contains($0, value) }
        }
    }

    /// The fields a feed row shows (plus the request id, which the detail view shows).
    private static func visibleFields(_ event: FeedEvent) -> [String?] {
        [event.kind.rawValue, event.sourceNodeID, event.relayNode, event.chain, event.chainID.map(String.init),
         event.method, event.providerID, event.result, event.requestID, event.strategy, event.transport,
         event.from, event.to, event.reason, event.message, event.severity?.rawValue]
    }

    private static func contains(_ field: String?, _ loweredValue: String) -> Bool {
        guard let field else { return false }
        return field.range(of: loweredValue, options: .caseInsensitive) != nil
    }
}
