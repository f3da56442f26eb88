import AsyncHTTPClient
import Foundation
import LassoCore
@testable import LassoDemo
import NIOCore
import XCTest
import LassoTestSupport

/// Each fault mode over real HTTP, and what the other nodes then report.
final class DemoFaultTests: XCTestCase {
    var cluster: DemoCluster!
    var http: TestHTTP!

    override func setUp() async throws {
        http = TestHTTP()
    }

    override func tearDown() async throws {
        await cluster?.stop()
        await http.shutdown()
    }

    func startCluster(_ config: DemoConfig = DemoConfig(eventRate: 2_000, slowDelay: .seconds(3), lateChainStart: nil))
        async throws -> [DemoNodeInfo] {
        cluster = DemoCluster(config: config)
        try await cluster.start()
        return cluster.nodes
    }

    func health(_ node: DemoNodeInfo) async throws -> HealthResponse {
        try HealthResponse.decode(try await http.get("\(node.url)/api/health").body)
    }

    func totalCalls(_ node: DemoNodeInfo) async throws -> Int {
        try MetricsResponse.decode(try await http.get("\(node.url)/api/metrics/ethereum").body).totalCalls
    }

    /// The node's newest sequence number: a cursor beyond it is answered with `next` = that number.
    func head(_ node: DemoNodeInfo) async throws -> Int64 {
        try EventsPage.decode(try await http.get("\(node.url)/api/events?since=999999999999&limit=1").body).next
    }

    func refuses(_ node: DemoNodeInfo) async -> Bool { connectionRefused(port: node.port) }

    func testDownClosesThePortOthersCountItOutAndOkRebindsTheSamePort() async throws {
        let nodes = try await startCluster()
        try await cluster.setFault(.down, node: "fra-1")
        XCTAssertEqual(cluster.fault(of: "fra-1"), .down)
        let refused = await refuses(nodes[1])
        XCTAssertTrue(refused, "a down node's port is closed")
        let view = try await health(nodes[0]).cluster
        XCTAssertEqual(view.nodesConnected, 2)
        XCTAssertEqual(view.nodesResponding, 2)
        XCTAssertEqual(view.regions, ["iad", "sin"])
        XCTAssertEqual(view.status, "healthy", "Lasso's API rule: 2 of 2 connected respond")

        try await cluster.setFault(.ok, node: "fra-1")
        XCTAssertEqual(cluster.nodes[1].port, nodes[1].port)
        let back = try await health(nodes[1])
        XCTAssertEqual(back.cluster.nodesConnected, 3)
        let peerView = try await health(nodes[0]).cluster
        XCTAssertEqual(peerView.nodesConnected, 3)
    }

    func testDownNodeNeitherHandlesNorReceivesTraffic() async throws {
        let nodes = try await startCluster()
        try await cluster.setFault(.down, node: "sin-1")
        let cursor = try await head(nodes[0])
        // Wait for a fair sample of new decisions (not a fixed time), then check none came from the down node.
        var later = EventsPage(nodeID: "", next: cursor, events: [])
        try await eventually(10, "no new decisions on iad-1") {
            later = try EventsPage.decode(try await http.get("\(nodes[0].url)/api/events?since=\(cursor)&limit=5000").body)
            return later.events.count >= 20
        }
        XCTAssertFalse(later.events.contains { $0.sourceNodeID == "sin-1" }, "no decisions come from a down node")
    }

    func testSlowRepliesAfterTheClientTimeoutAndPeersSeeItUnresponsive() async throws {
        let nodes = try await startCluster()
        try await cluster.setFault(.slow, node: "sin-1")
        let started = ContinuousClock.now
        do {
            _ = try await http.get("\(nodes[2].url)/api/health", timeout: .milliseconds(500))
            XCTFail("a slow node must not answer within 0.5 s")
        } catch let error as HTTPClientError {
            XCTAssertEqual(error, .deadlineExceeded)
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(3), "the client gave up; it did not wait for the reply")
        let view = try await health(nodes[0]).cluster
        XCTAssertEqual(view.nodesConnected, 3)
        XCTAssertEqual(view.nodesResponding, 2)
        XCTAssertEqual(view.status, "degraded")
        // The control endpoint is never slowed, so the node can be repaired at once.
        let repaired = try await http.post("\(nodes[2].url)/_demo/fault", json: #"{"mode":"ok"}"#)
        XCTAssertEqual(repaired.status, 200)
        let healthy = try await health(nodes[2])
        XCTAssertEqual(healthy.cluster.nodesResponding, 3)
    }

    func testSlowReplyEventuallyArrives() async throws {
        let nodes = try await startCluster(DemoConfig(eventRate: 100, slowDelay: .milliseconds(700), lateChainStart: nil))
        try await cluster.setFault(.slow, node: "iad-1")
        let started = ContinuousClock.now
        let reply = try await http.get("\(nodes[0].url)/api/chains", timeout: .seconds(5))
        XCTAssertEqual(reply.status, 200)
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(700))
        XCTAssertNoThrow(try ChainsResponse.decode(reply.body))
    }

    func testGarbageIs200WithUndecodableJSON() async throws {
        let nodes = try await startCluster()
        try await cluster.setFault(.garbage, node: "iad-1")
        for path in ["/api/health", "/api/metrics/ethereum", "/api/chains", "/api/events?since=0"] {
            let reply = try await http.get(nodes[0].url + path)
            XCTAssertEqual(reply.status, 200, path)
            XCTAssertTrue(reply.contentType.hasPrefix("application/json"))
            XCTAssertFalse(reply.body.isEmpty)
            XCTAssertNil(try? JSONSerialization.jsonObject(with: reply.body), "\(path) must not parse")
        }
        let garbled = try await http.get(nodes[0].url + "/api/health").body
        XCTAssertThrowsError(try HealthResponse.decode(garbled))
        let view = try await health(nodes[1]).cluster
        XCTAssertEqual(view.nodesResponding, 2, "peers treat a node with a broken web layer as unresponsive")
    }

    func testError500ReturnsAnHTMLPage() async throws {
        let nodes = try await startCluster()
        try await cluster.setFault(.error500, node: "fra-1")
        let reply = try await http.get("\(nodes[1].url)/api/metrics/ethereum")
        XCTAssertEqual(reply.status, 500)
        XCTAssertTrue(reply.contentType.hasPrefix("text/html"), reply.contentType)
        XCTAssertTrue(reply.text.hasPrefix("<!DOCTYPE html>"))
        XCTAssertThrowsError(try MetricsResponse.decode(reply.body))
    }

    func testPartitionReportsOnlyItselfAndOthersCountItOut() async throws {
        let nodes = try await startCluster()
        try await cluster.setFault(.partition, node: "sin-1")
        let own = try await health(nodes[2]).cluster
        XCTAssertEqual(own.nodesConnected, 1)
        XCTAssertEqual(own.nodesResponding, 1)
        XCTAssertEqual(own.regions, ["sin"])
        for peer in nodes.prefix(2) {
            let view = try await health(peer).cluster
            XCTAssertEqual(view.nodesConnected, 2, peer.id)
            XCTAssertEqual(view.nodesResponding, 2, peer.id)
            XCTAssertFalse(view.regions.contains("sin"))
        }
        // The relay is cut both ways: new events on sin-1 come only from itself, and iad-1 gets none from sin-1.
        let sinCursor = try await head(nodes[2])
        let iadCursor = try await head(nodes[0])
        var sinPage = EventsPage(nodeID: "", next: sinCursor, events: [])
        var iadPage = EventsPage(nodeID: "", next: iadCursor, events: [])
        try await eventually(10, "no new decisions on sin-1 and iad-1") {
            sinPage = try EventsPage.decode(try await http.get("\(nodes[2].url)/api/events?since=\(sinCursor)&limit=5000").body)
            iadPage = try EventsPage.decode(try await http.get("\(nodes[0].url)/api/events?since=\(iadCursor)&limit=5000").body)
            return sinPage.events.count >= 10 && iadPage.events.count >= 20
        }
        XCTAssertFalse(sinPage.events.isEmpty)
        XCTAssertEqual(Set(sinPage.events.compactMap(\.sourceNodeID)), ["sin-1"])
        XCTAssertFalse(iadPage.events.isEmpty)
        XCTAssertFalse(iadPage.events.contains { $0.sourceNodeID == "sin-1" })
    }

    func testRestartResetsCountersUptimeAndSequence() async throws {
        let nodes = try await startCluster()
        try await eventually(5, "uptime never reached 1 s") { (try await health(nodes[0]).uptimeSeconds ?? 0) >= 1 }
        let callsBefore = try await totalCalls(nodes[0])
        let head = try await head(nodes[0])
        XCTAssertGreaterThan(head, 100)

        try await cluster.setFault(.restart, node: "iad-1")
        XCTAssertEqual(cluster.fault(of: "iad-1"), .ok, "restart is one-shot")
        let after = try await health(nodes[0])
        XCTAssertEqual(after.uptimeSeconds, 0)
        let callsAfter = try await totalCalls(nodes[0])
        XCTAssertLessThan(callsAfter, callsBefore)
        let page = try EventsPage.decode(try await http.get("\(nodes[0].url)/api/events?since=\(head)&limit=5000").body)
        XCTAssertLessThan(page.next, head, "next below the cursor tells the client to start again from 0")
        XCTAssertTrue(page.events.isEmpty)
        // Peers keep their counters.
        let peerCalls = try await totalCalls(nodes[1])
        XCTAssertGreaterThan(peerCalls, callsAfter)
    }

    func testFaultEndpointOverHTTP() async throws {
        let nodes = try await startCluster()
        let set = try await http.post("\(nodes[0].url)/_demo/fault", json: #"{"mode":"error500"}"#)
        XCTAssertEqual(set.status, 200)
        XCTAssertEqual(set.text, #"{"node_id":"iad-1","mode":"error500"}"#)
        XCTAssertEqual(cluster.fault(of: "iad-1"), .error500)
        let status = try await http.get("\(nodes[0].url)/api/health").status
        XCTAssertEqual(status, 500)
        let current = try await http.get("\(nodes[0].url)/_demo/fault")
        XCTAssertEqual(current.text, #"{"node_id":"iad-1","mode":"error500"}"#)

        let bad = try await http.post("\(nodes[0].url)/_demo/fault", json: #"{"mode":"explode"}"#)
        XCTAssertEqual(bad.status, 400)
        let notJSON = try await http.post("\(nodes[0].url)/_demo/fault", json: "mode=down")
        XCTAssertEqual(notJSON.status, 400)
        let unknownNode = try await http.post("\(nodes[0].url)/_demo/fault", json: #"{"mode":"ok","node":"xyz-9"}"#)
        XCTAssertEqual(unknownNode.status, 404)

        // A node can close itself, and another node can bring it back.
        let down = try await http.post("\(nodes[0].url)/_demo/fault", json: #"{"mode":"down"}"#)
        XCTAssertEqual(down.status, 200)
        try await eventually(5, "iad-1 never closed its port") { await refuses(nodes[0]) }
        let revive = try await http.post("\(nodes[1].url)/_demo/fault", json: #"{"mode":"ok","node":"iad-1"}"#)
        XCTAssertEqual(revive.status, 200)
        try await eventually(5, "iad-1 never came back") {
            (try? await http.get("\(nodes[0].url)/api/health").status) == 200
        }
    }

    func testSetFaultOnUnknownNodeThrows() async throws {
        _ = try await startCluster()
        do {
            try await cluster.setFault(.down, node: "nowhere-1")
            XCTFail("expected an error")
        } catch let error as DemoClusterError {
            XCTAssertEqual(error, .unknownNode("nowhere-1"))
        }
        XCTAssertEqual(cluster.fault(of: "nowhere-1"), .ok)
    }

    func testDownBeforeStartStaysClosed() async throws {
        cluster = DemoCluster(config: DemoConfig(eventRate: 100, lateChainStart: nil))
        try await cluster.setFault(.down, node: "sin-1")
        try await cluster.start()
        let nodes = cluster.nodes
        XCTAssertGreaterThan(nodes[2].port, 0, "the port is known even though the node is down")
        let refused = await refuses(nodes[2])
        XCTAssertTrue(refused)
        let view = try await health(nodes[0]).cluster
        XCTAssertEqual(view.nodesConnected, 2)
    }
}
