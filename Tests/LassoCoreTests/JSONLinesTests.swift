import XCTest
@testable import LassoCore

final class JSONLinesTests: XCTestCase {
    private let now: Int64 = 1_764_000_123_456

    private func event(_ line: String) throws -> FeedEvent {
        let result = try XCTUnwrap(JSONLinesParser.parse(line: line, nowMs: now), "blank")
        return try result.get()
    }

    private func failure(_ line: String) -> FeedLineError? {
        guard case .failure(let error)? = JSONLinesParser.parse(line: line, nowMs: now) else { return nil }
        return error
    }

    func testV1RoutingObject() throws {
        let parsed = try event(#"{"kind":"routing","ts":1764000000000,"request_id":"r-1","source_node_id":"iad-1","chain_id":1,"chain":"ethereum","method":"eth_call","strategy":"fastest","provider_id":"alchemy","transport":"http","duration_ms":41,"result":"error","failover_count":2,"extra":"ignored"}"#)
        XCTAssertEqual(parsed, FeedEvent(kind: .routing, ts: 1_764_000_000_000, requestID: "r-1", sourceNodeID: "iad-1", chainID: 1,
                                         chain: "ethereum", method: "eth_call", strategy: "fastest", providerID: "alchemy",
                                         transport: "http", durationMs: 41, result: "error", failoverCount: 2))
    }

    func testV1CircuitAndClusterObjects() throws {
        let circuit = try event(#"{"kind":"circuit","ts":5,"source_node_id":"ams-1","provider_id":"drpc","from":"closed","to":"open","reason":"failure_threshold_exceeded"}"#)
        XCTAssertEqual(circuit.kind, .circuit)
        XCTAssertEqual(circuit.to, "open")
        let cluster = try event(#"{"kind":"cluster","ts":6,"severity":"warning","message":"coverage 2/3 degraded"}"#)
        XCTAssertEqual(cluster, .cluster(ts: 6, severity: .warning, message: "coverage 2/3 degraded"))
    }

    /// The shape docs/OBSERVABILITY.md documents: `chain` by name, no timestamp (ts = the time it was read).
    func testRequestCompletedDocumentedShape() throws {
        let parsed = try event(#"{"event":"rpc.request.completed","request_id":"0f6c2a","strategy":"fastest","chain":"ethereum","transport":"http","jsonrpc_method":"eth_getBalance","params_present":true,"routing":{"candidate_providers":["a:http","b:http"],"selected_provider":{"id":"alchemy","protocol":"http"},"selection_reason":"fastest","retries":1,"circuit_breaker_state":"closed"},"timing":{"selection_latency_ms":1,"upstream_latency_ms":40,"end_to_end_latency_ms":45.9},"response":{"status":"success","result_type":"string","result_size_bytes":11}}"#)
        XCTAssertEqual(parsed, FeedEvent(kind: .routing, ts: now, requestID: "0f6c2a", chain: "ethereum", method: "eth_getBalance",
                                         strategy: "fastest", providerID: "alchemy", transport: "http", durationMs: 45,
                                         result: "success", failoverCount: 1))
    }

    /// The shape the code builds: integer `chain_id`, transport only on the selected provider, an error response.
    func testRequestCompletedCodeShapeWithTimestamps() throws {
        let parsed = try event(#"{"event":"rpc.request.completed","request_id":"abc","chain_id":8453,"jsonrpc_method":"eth_call","routing":{"selected_provider":{"id":"drpc","protocol":"ws"}},"timing":{"end_to_end_latency_ms":12},"response":{"status":"error","error":{"code":-32000,"message":"boom","category":"server"}},"ts":1764000000001}"#)
        XCTAssertEqual(parsed.chainID, 8453)
        XCTAssertNil(parsed.chain)
        XCTAssertEqual(parsed.transport, "ws")
        XCTAssertEqual(parsed.result, "error")
        XCTAssertEqual(parsed.ts, 1_764_000_000_001)

        let iso = try event(#"{"event":"rpc.request.completed","request_id":"abc","chain_id":"1","jsonrpc_method":"eth_call","routing":{"selected_provider":{"id":"p"}},"response":{"status":"success"},"timestamp":"2025-11-24T16:00:00.250Z"}"#)
        XCTAssertEqual(iso.ts, 1_764_000_000_250)
        XCTAssertEqual(iso.chainID, 1)
        XCTAssertNil(iso.durationMs, "timing is optional")
    }

    func testBlankLinesAreSkippedNotMalformed() {
        XCTAssertNil(JSONLinesParser.parse(line: "", nowMs: now))
        XCTAssertNil(JSONLinesParser.parse(line: "  \t \r", nowMs: now))
    }

    func testMalformedLines() {
        XCTAssertEqual(failure("not json at all"), .notJSON)
        XCTAssertEqual(failure(#"{"kind":"routing","ts":1"#), .notJSON, "truncated")
        XCTAssertEqual(failure("[1,2]"), .notAnObject)
        XCTAssertEqual(failure("42"), .notAnObject)
        XCTAssertEqual(failure(#"{"kind":"routing","ts":1,"provider_id":"p"}"#), .missingField("method"))
        XCTAssertEqual(failure(#"{"kind":"routing","method":"m","provider_id":"p"}"#), .missingField("ts"))
        XCTAssertEqual(failure(#"{"kind":"routing","ts":-5,"method":"m","provider_id":"p"}"#), .invalidField("ts"))
        XCTAssertEqual(failure(#"{"kind":"gossip","ts":1}"#), .invalidField("kind"))
        XCTAssertEqual(failure(#"{"kind":"cluster","ts":1}"#), .missingField("message"))
        // The same answers when the line mentions "event" and takes the general path.
        XCTAssertEqual(failure(#"{"event":"rpc.request.completed","#), .notJSON)
        XCTAssertEqual(failure(#"["event"]"#), .notAnObject)
        XCTAssertEqual(failure(#"{"event":"other","kind":"routing","ts":1,"provider_id":"p"}"#), .missingField("method"))
    }

    func testV1ObjectMentioningEventIsStillAnEvent() throws {
        let parsed = try event(#"{"kind":"cluster","ts":7,"severity":"info","message":"the \"event\" word","event":"custom"}"#)
        XCTAssertEqual(parsed.message, #"the "event" word"#)
    }

    func testRequestCompletedMissingOrInvalidFields() {
        let base: [String: String] = [
            "event": #""rpc.request.completed""#, "request_id": #""r""#, "chain": #""ethereum""#, "jsonrpc_method": #""eth_call""#,
            "routing": #"{"selected_provider":{"id":"p"}}"#, "response": #"{"status":"success"}"#,
        ]
        func line(without key: String? = nil, replacing: (String, String)? = nil) -> String {
            var fields = base
            if let key { fields[key] = nil }
            if let (key, value) = replacing { fields[key] = value }
            return "{" + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
        }
        XCTAssertNotNil(try? JSONLinesParser.parse(line: line(), nowMs: now)?.get())
        XCTAssertEqual(failure(line(without: "request_id")), .missingField("request_id"))
        XCTAssertEqual(failure(line(without: "jsonrpc_method")), .missingField("jsonrpc_method"))
        XCTAssertEqual(failure(line(without: "routing")), .missingField("routing.selected_provider.id"))
        XCTAssertEqual(failure(line(without: "response")), .missingField("response.status"))
        XCTAssertEqual(failure(line(without: "chain")), .missingField("chain"))
        XCTAssertEqual(failure(line(replacing: ("chain_id", #""mainnet""#))), .invalidField("chain_id"))
        XCTAssertEqual(failure(line(replacing: ("timing", #"{"end_to_end_latency_ms":-3}"#))), .invalidField("timing.end_to_end_latency_ms"))
        XCTAssertEqual(failure(line(replacing: ("timing", #"{"end_to_end_latency_ms":true}"#))), .invalidField("timing.end_to_end_latency_ms"))
        XCTAssertEqual(failure(line(replacing: ("timestamp", #""yesterday""#))), .invalidField("ts"))
    }

    /// Mixed input through a buffer: good lines of both formats, malformed lines, blank lines, and the same routing
    /// event relayed by two nodes.
    func testMixedLinesIngestWithTheRightCounts() {
        let lines = [
            #"{"kind":"routing","ts":100,"request_id":"a","source_node_id":"iad-1","method":"eth_call","provider_id":"p","result":"success"}"#,
            #"{"kind":"routing","ts":100,"request_id":"a","source_node_id":"ams-1","relay_node":"ams-1","method":"eth_call","provider_id":"p","result":"success"}"#,
            "",
            "garbage",
            #"{"event":"rpc.request.completed","request_id":"b","chain_id":1,"jsonrpc_method":"eth_call","routing":{"selected_provider":{"id":"p"}},"response":{"status":"error"},"ts":90}"#,
            #"{"event":"rpc.request.completed","request_id":"b","chain_id":1,"jsonrpc_method":"eth_call","routing":{"selected_provider":{"id":"p"}},"response":{"status":"error"},"ts":90}"#,
            #"{"kind":"routing","ts":95}"#,
            "   ",
            #"{"kind":"cluster","ts":99,"severity":"info","message":"hello"}"#,
        ]
        var feed = FeedBuffer()
        for line in lines {
            switch JSONLinesParser.parse(line: line, nowMs: now) {
            case .success(let event)?: _ = feed.ingest(event, nowMs: now)
            case .failure?: feed.recordMalformed()
            case nil: continue
            }
        }
        XCTAssertEqual(feed.stats, FeedStats(received: 5, unique: 3, duplicatesDropped: 2, malformed: 2, sampledOut: 0, windowSize: 3))
        XCTAssertEqual(feed.events.map(\.ts), [90, 99, 100])
    }
}
