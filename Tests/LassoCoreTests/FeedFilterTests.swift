import XCTest
@testable import LassoCore

final class FeedFilterTests: XCTestCase {
    private let ethSuccess = FeedEvent(kind: .routing, ts: 1, requestID: "req-abc", sourceNodeID: "iad-1", chainID: 1, chain: "ethereum",
                                       method: "eth_blockNumber", strategy: "fastest", providerID: "alchemy_eth", transport: "http",
                                       durationMs: 40, result: "success", relayNode: "ams-2")
    private let baseError = FeedEvent(kind: .routing, ts: 2, requestID: "req-def", sourceNodeID: "ams-1", chainID: 8453, chain: "base",
                                      method: "eth_call", providerID: "drpc_base", result: "error")
    private let circuitOpen = FeedEvent(kind: .circuit, ts: 3, sourceNodeID: "iad-1", chainID: 1, providerID: "drpc_eth",
                                        from: "closed", to: "open", reason: "failure_threshold_exceeded")
    private let nodeDown = FeedEvent.cluster(ts: 4, severity: .critical, message: "node fra-1 down: connection refused", node: "fra-1")
    private let coverageBack = FeedEvent.cluster(ts: 5, severity: .info, message: "coverage 3/3 healthy")

    private var all: [FeedEvent] { [ethSuccess, baseError, circuitOpen, nodeDown, coverageBack] }

    private func matching(_ query: String) -> [Int64] {
        let filter = FeedFilter.parse(query)
        return all.filter(filter.matches).map(\.ts)
    }

    func testEmptyFilterMatchesEverything() {
        XCTAssertTrue(FeedFilter.parse("").isEmpty)
        XCTAssertTrue(FeedFilter.parse("   ").isEmpty)
        XCTAssertTrue(FeedFilter.parse("! chain:").isEmpty, "a bare ! and an empty value are ignored while typing")
        XCTAssertEqual(matching(""), [1, 2, 3, 4, 5])
    }

    func testFieldTerms() {
        XCTAssertEqual(matching("chain:ethereum"), [1])
        XCTAssertEqual(matching("chain:8453"), [2], "chain id matches too")
        XCTAssertEqual(matching("chain:1"), [1, 3], "chain id 1; the circuit event has only the id")
        XCTAssertEqual(matching("chain:84"), [2], "substring of the id")
        XCTAssertEqual(matching("provider:drpc"), [2, 3])
        XCTAssertEqual(matching("method:eth_call"), [2])
        XCTAssertEqual(matching("node:iad-1"), [1, 3])
        XCTAssertEqual(matching("node:ams-2"), [1], "the relay node counts for node:")
        XCTAssertEqual(matching("kind:circuit"), [3])
        XCTAssertEqual(matching("kind:cluster"), [4, 5])
        XCTAssertEqual(matching("kind:clust"), [], "kind is exact")
    }

    func testFieldNamesAndValuesAreCaseInsensitive() {
        XCTAssertEqual(matching("CHAIN:Ethereum"), [1])
        XCTAssertEqual(matching("Provider:ALCHEMY"), [1])
        XCTAssertEqual(matching("KIND:Routing"), [1, 2])
    }

    func testResultTerms() {
        XCTAssertEqual(matching("result:error"), [2, 3, 4], "routing error, circuit opened, critical cluster entry")
        XCTAssertEqual(matching("error"), [2, 3, 4])
        XCTAssertEqual(matching("ERROR"), [2, 3, 4])
        XCTAssertEqual(matching("result:success"), [1])
        XCTAssertEqual(matching("!error"), [1, 5])
    }

    func testFreeTextSearchesVisibleFields() {
        XCTAssertEqual(matching("refused"), [4], "message")
        XCTAssertEqual(matching("REQ-ABC"), [1], "request id, case-insensitive")
        XCTAssertEqual(matching("threshold"), [3], "circuit reason")
        XCTAssertEqual(matching("fastest"), [1], "strategy")
        XCTAssertEqual(matching("nothing-like-this"), [])
        XCTAssertEqual(matching("foo:bar"), [], "an unknown key is plain text")
    }

    func testNonASCIIValuesMatchCaseInsensitively() {
        let event = FeedEvent.cluster(ts: 9, severity: .info, message: "Knoten MÜNCHEN-1 zurück", node: "ÉCOLE-1")
        XCTAssertTrue(FeedFilter.parse("münchen").matches(event))
        XCTAssertTrue(FeedFilter.parse("ZURÜCK").matches(event))
        XCTAssertTrue(FeedFilter.parse("node:école").matches(event))
        XCTAssertTrue(FeedFilter.parse("knoten").matches(event), "ASCII value against a field with other characters")
        XCTAssertFalse(FeedFilter.parse("berlin").matches(event))
    }

    func testTermsAreAndedAndNegationWorksOnEveryTerm() {
        XCTAssertEqual(matching("node:iad-1 kind:routing"), [1])
        XCTAssertEqual(matching("node:iad-1 !kind:routing"), [3])
        XCTAssertEqual(matching("!chain:ethereum !kind:cluster"), [2, 3])
        XCTAssertEqual(matching("!provider:drpc !refused"), [1, 5])
        XCTAssertEqual(matching("eth !eth_call"), [1, 3], "free text eth is in ethereum and drpc_eth")
        XCTAssertEqual(matching("error chain:base"), [2])
    }

    func testDescriptionIsCanonicalAndReparses() {
        let filter = FeedFilter.parse("  Chain:ETH   !error  refused !kind:circuit ")
        XCTAssertEqual(filter.description, "chain:eth !result:error refused !kind:circuit")
        XCTAssertEqual(FeedFilter.parse(filter.description), filter)
        XCTAssertEqual(filter.terms.count, 4)
    }
}
