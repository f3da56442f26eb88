import Foundation
import LassoCore
import LassoDemo
import XCTest
@testable import LassoClient
import LassoTestSupport

/// One name per thing, over real HTTP: nodes configured under names other than their own ids (`iad` for `iad-1`)
/// show up in the feed under the configured name, with the node's id kept in `source_node_id`; providers carry the
/// display name the providers table shows.
final class OneNamePerThingTests: XCTestCase {
    func testFeedEventsCarryTheConfiguredNodeAndTheProvidersDisplayName() async throws {
        let cluster = DemoCluster(config: DemoConfig(nodeCount: 3, seed: 11, eventRate: 200))
        try await cluster.start()
        // Traffic first, waited for as a state: every node holds 30+ routing decisions.
        let probe = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(2)))
        for node in cluster.nodes {
            try await eventually(15, "\(node.id) never held 30 events") {
                guard case .ok(let body, _) = await probe.get(node.url + "/api/events?since=0&limit=5000"),
                      let page = try? EventsPage.decode(body) else { return false }
                return page.events.filter { $0.kind == .routing }.count >= 30
            }
        }
        await probe.shutdown()
        // Configured names differ from the nodes' own ids.
        let renamed = cluster.nodes.map { NodeTarget(name: "cfg-" + $0.id, url: $0.url) }
        let configured = Set(renamed.map(\.name))
        let ownIDs = Set(cluster.nodes.map(\.id))
        let monitor = try ClusterMonitor(config: MonitorConfig(targets: renamed, http: HTTPOptions(timeout: .seconds(2))))
        let snapshot = await monitor.collectOnce()
        await monitor.stop()
        await cluster.stop()

        let routing = snapshot.feed.filter { $0.kind == .routing }
        XCTAssertGreaterThanOrEqual(routing.count, 30, "traffic flowed")
        for event in routing {
            XCTAssertTrue(ownIDs.contains(event.sourceNodeID ?? ""), "source_node_id is kept: \(event.sourceNodeID ?? "nil")")
            XCTAssertEqual(event.node, event.sourceNodeID.map { "cfg-" + $0 }, "the configured name of the handling node")
            XCTAssertTrue(configured.contains(event.nodeLabel ?? ""), "the feed shows the configured name")
        }
        let names = Dictionary(snapshot.chains.flatMap(\.providers).compactMap { p in p.name.map { (p.id, $0) } },
                               uniquingKeysWith: { first, _ in first })
        let named = routing.filter { names[$0.providerID ?? ""] != nil }
        XCTAssertFalse(named.isEmpty)
        for event in named {
            XCTAssertEqual(event.providerName, names[event.providerID ?? ""])
            XCTAssertEqual(event.providerLabel, event.providerName)
        }
        // `/` finds an event by either name.
        if let sample = named.first, let id = sample.providerID, let name = sample.providerName {
            XCTAssertTrue(FeedFilter.parse("provider:" + id).matches(sample))
            XCTAssertTrue(FeedFilter.parse("provider:" + name.split(separator: " ")[0]).matches(sample))
            XCTAssertTrue(FeedFilter.parse("node:" + (sample.node ?? "?")).matches(sample))
            XCTAssertTrue(FeedFilter.parse("node:" + (sample.sourceNodeID ?? "?")).matches(sample))
        }
    }

    func testNamingMapsCircuitEventsToTheConfiguredNode() {
        let naming = FeedNaming(nodeIDs: ["iad-1": "iad"], configured: ["iad", "fra"], chains: [
            ChainAggregate(chain: "ethereum", chainID: 1, responding: 1, total: 1, providers: []),
        ])
        let circuit = FeedEvent(kind: .circuit, ts: 1, sourceNodeID: "iad-1", chain: "ethereum", providerID: "ethereum_alchemy",
                                from: "closed", to: "open", relayNode: "fra")
        XCTAssertEqual(naming.named(circuit).node, "iad", "by the node's own id, not the relay")
        XCTAssertEqual(naming.named(circuit).sourceNodeID, "iad-1")
        let unknown = FeedEvent(kind: .circuit, ts: 1, sourceNodeID: "sjc-9", providerID: "x", to: "open", relayNode: "fra")
        XCTAssertNil(naming.named(unknown).node, "an id no configured node reported stays as it is")
        XCTAssertEqual(naming.named(unknown).nodeLabel, "sjc-9")
        let noSource = FeedEvent(kind: .circuit, ts: 1, providerID: "x", to: "open", relayNode: "fra")
        XCTAssertEqual(naming.named(noSource).node, "fra")
    }
}
