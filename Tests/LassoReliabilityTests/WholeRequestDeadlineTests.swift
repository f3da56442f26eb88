import Foundation
import LassoClient
import LassoCore
import LassoTestSupport
import XCTest

/// `NodeHTTPClient.get` bounds a poll's whole request, body included, by the timeout, against a real socket that
/// misbehaves (HostileNode): a body trickled or chunked slower than the timeout is cut at about the timeout and
/// reported as one, a body over the cap is refused, and cancelling the caller ends the request at once.
final class WholeRequestDeadlineTests: XCTestCase {
    private func client(timeoutMs: Int64, maxBodyBytes: Int = 1 << 20) throws -> NodeHTTPClient {
        try NodeHTTPClient(options: HTTPOptions(timeout: .milliseconds(timeoutMs), maxBodyBytes: maxBodyBytes))
    }

    private func failure(_ result: FetchResult) -> NodeTracker.Failure? {
        if case .failed(let failure, _) = result { return failure }
        return nil
    }

    func testATrickledBodyIsCutAtTheTimeout() async throws {
        for reply in [HostileNode.Reply.trickle(declared: 60, interval: .milliseconds(200)),
                      .chunkedTrickle(chunks: 60, interval: .milliseconds(200))] {
            let node = try HostileNode { _, _ in reply }
            let http = try client(timeoutMs: 1_000)
            let start = ContinuousClock.now
            let result = await http.get("http://\(node.address):\(node.port)/api/health")
            let took = ContinuousClock.now - start
            await http.shutdown()
            node.stop()
            XCTAssertEqual(failure(result), .unreachable("timeout after 1.0s"), "\(reply)")
            // Head and the first bytes arrive at once; the body would take 12 s. The deadline fires at 1 s.
            XCTAssertGreaterThanOrEqual(took, .milliseconds(900), "\(reply)")
            XCTAssertLessThan(took, .seconds(6), "\(reply)")
        }
    }

    func testABodyInTimeComesBackWhole() async throws {
        let text = #"{"status":"healthy"}"#
        let node = try HostileNode { _, _ in .json(text) }
        let http = try client(timeoutMs: 5_000)
        let result = await http.get("http://\(node.address):\(node.port)/api/health")
        await http.shutdown()
        node.stop()
        guard case .ok(let body, _) = result else { return XCTFail("\(result)") }
        XCTAssertEqual(String(decoding: body, as: UTF8.self), text)
    }

    func testABodyOverTheCapIsRefused() async throws {
        for reply in [HostileNode.Reply.jsonBytes(Array(repeating: UInt8(ascii: " "), count: 3 << 20)), .endless(bytes: 3 << 20)] {
            let node = try HostileNode { _, _ in reply }
            let http = try client(timeoutMs: 5_000, maxBodyBytes: 1 << 20)
            let result = await http.get("http://\(node.address):\(node.port)/api/health")
            await http.shutdown()
            node.stop()
            XCTAssertEqual(failure(result), .bad("body larger than 1 MiB"))
        }
    }

    func testAnErrorStatusKeepsItsHint() async throws {
        let node = try HostileNode { _, _ in .json(#"{"error":"not ready"}"#, status: 503) }
        let http = try client(timeoutMs: 5_000)
        let result = await http.get("http://\(node.address):\(node.port)/api/health")
        await http.shutdown()
        node.stop()
        XCTAssertEqual(failure(result), .bad(#"HTTP 503: {"error":"not ready"}"#))
    }

    func testCancellingTheCallerEndsTheRequest() async throws {
        let node = try HostileNode { _, _ in .trickle(declared: 600, interval: .seconds(1)) }
        let http = try client(timeoutMs: 60_000)
        let url = "http://\(node.address):\(node.port)/api/health"
        let caller = Task { await http.get(url) }
        // Cancel once the request is under way (the node has seen it), not before it started.
        await eventually(10, "the request never reached the node") { node.requests > 0 }
        let start = ContinuousClock.now
        caller.cancel()
        let result = await caller.value
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
        XCTAssertNotNil(failure(result), "\(result)")
        await http.shutdown()
        node.stop()
    }
}
