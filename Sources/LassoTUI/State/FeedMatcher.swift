import LassoCore

/// The feed filter as typed after `/`: space-separated terms that must all appear (case-insensitive) in an event's
/// node, chain, method, provider, result, message or request id; a term starting with `!` must not appear.
/// A stand-in with the same `matches(event)` shape as the feed helper's `FeedFilter`, which replaces it once merged.
struct FeedMatcher: Sendable {
    private let include: [String]
    private let exclude: [String]

    init(_ text: String) {
        var include: [String] = []
        var exclude: [String] = []
        for term in text.lowercased().split(separator: " ") {
            if term.hasPrefix("!") {
                if term.count > 1 { exclude.append(String(term.dropFirst())) }
            } else {
                include.append(String(term))
            }
        }
        self.include = include
        self.exclude = exclude
    }

    var isEmpty: Bool { include.isEmpty && exclude.isEmpty }

    func matches(_ event: FeedEvent) -> Bool {
        let haystack = [event.sourceNodeID, event.relayNode, event.chain, event.method, event.providerID, event.result,
                        event.message, event.reason, event.requestID, event.kind.rawValue, event.to]
            .compactMap { $0?.lowercased() }
            .joined(separator: " ")
        for term in include where !haystack.contains(term) { return false }
        for term in exclude where haystack.contains(term) { return false }
        return true
    }
}
