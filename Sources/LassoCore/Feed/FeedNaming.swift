/// One name per thing in the feed: each event's node is the configured node name the Nodes table shows, and each
/// provider its display name, as the providers table shows it. Nodes call themselves by their own id (`iad-1`) in
/// events and in the events page's `node_id`; the configured name (`iad`) is what the user chose. Pure.
public struct FeedNaming: Sendable, Equatable {
    /// A node's own id → the configured name of the node whose events page reported it as `node_id`.
    public var nodeIDs: [String: String]
    /// Configured node names.
    public var configured: Set<String>
    /// Provider id → display name, per chain and (for events without a chain) by id alone when unambiguous.
    public var providerNames: [ProviderKey: String]
    public var providerNamesByID: [String: String]

    public init(nodeIDs: [String: String] = [:], configured: Set<String> = [], chains: [ChainAggregate] = []) {
        self.nodeIDs = nodeIDs
        self.configured = configured
        var byKey: [ProviderKey: String] = [:]
        var byID: [String: String?] = [:]
        for chain in chains {
            for provider in chain.providers {
                guard let name = provider.name, !name.isEmpty else { continue }
                byKey[ProviderKey(chain: chain.chain, id: provider.id)] = name
                if let seen = byID[provider.id], seen != name { byID[provider.id] = .some(nil) } else { byID[provider.id] = name }
            }
        }
        providerNames = byKey
        providerNamesByID = byID.compactMapValues { $0 }
    }

    /// The configured node an event belongs to: by the node's own id (learnt from its events page), by a source id
    /// that already is a configured name, or, for an event without a source, the node it was fetched from.
    public func node(of event: FeedEvent) -> String? {
        if let source = event.sourceNodeID {
            if let name = nodeIDs[source] { return name }
            return configured.contains(source) ? source : nil
        }
        return event.relayNode
    }

    public func providerName(of event: FeedEvent) -> String? {
        guard let id = event.providerID else { return nil }
        if let chain = event.chain, let name = providerNames[ProviderKey(chain: chain, id: id)] { return name }
        return providerNamesByID[id]
    }

    public func named(_ event: FeedEvent) -> FeedEvent {
        var copy = event
        copy.setNames(node: node(of: event), providerName: providerName(of: event))
        return copy
    }
}
