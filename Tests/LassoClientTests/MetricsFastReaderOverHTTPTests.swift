import Foundation
import LassoCore
import LassoDemo
import XCTest
@testable import LassoClient
import LassoTestSupport

/// The byte-level metrics reader on real `/api/metrics/:chain` bodies from the demo cluster over HTTP: it answers for
/// every one (so `MetricsResponse.decode` is not quietly always falling back to `JSONDecoder`), with the decoder's
/// result, and mutated copies of those bodies decode the same both ways (the shape-aware fuzz is in
/// Tests/LassoCoreTests/MetricsFastReaderTests.swift).
final class MetricsFastReaderOverHTTPTests: XCTestCase {
    var cluster: DemoCluster!
    var http: NodeHTTPClient!

    override func setUp() async throws {
        cluster = DemoCluster(config: DemoConfig(nodeCount: 3, seed: 11, eventRate: 2_000, lateChainStart: .zero))
        try await cluster.start()
        http = try NodeHTTPClient(options: HTTPOptions(timeout: .seconds(2)))
    }

    override func tearDown() async throws {
        await http?.shutdown()
        await cluster?.stop()
    }

    func body(_ url: String) async -> Data? {
        guard case .ok(let body, _) = await http.get(url) else { return nil }
        return body
    }

    /// Every node's body for every chain, once each has traffic for every provider's methods.
    func realBodies() async throws -> [(String, Data)] {
        let chainsReply = await body(cluster.nodes[0].url + "/api/chains")
        let chainsBody = try XCTUnwrap(chainsReply)
        let chains = try ChainsResponse.decode(chainsBody).chains.map(\.chainName)
        XCTAssertGreaterThanOrEqual(chains.count, 2)
        var out: [(String, Data)] = []
        for node in cluster.nodes {
            for chain in chains {
                let url = node.url + "/api/metrics/" + chain
                var latest: Data?
                try await eventually(10, "no traffic in \(url)") {
                    guard let data = await self.body(url), let metrics = try? MetricsResponse.foundationDecode(data),
                          metrics.hasData, !metrics.providers.isEmpty, metrics.methodsByProvider.count == metrics.providers.count
                    else { return false }
                    latest = data
                    return true
                }
                out.append((url, try XCTUnwrap(latest)))
            }
        }
        return out
    }

    func testRealBodiesTakeTheFastPathWithFoundationsResult() async throws {
        for (url, data) in try await realBodies() {
            let reference = try MetricsResponse.foundationDecode(data)
            let fast = try XCTUnwrap(MetricsResponse.fastDecode(data), "the reader gave up on \(url)")
            XCTAssertEqual(fast, reference, url)
            XCTAssertEqual("\(fast)", "\(reference)", url)
            XCTAssertTrue(fast.droppedEntries.isEmpty, url)
            XCTAssertGreaterThan(fast.methodsByProvider.flatMap(\.methods).count, 0, url)
        }
    }

    static let tokens: [String] = ["null", "-0", "1e308", "1.0000001", "1.5", "0.30000000000000004", "9223372036854775808",
                                   "999999999999999999", "1200.0", "\"7\"", "\"\\u00e9\"", "\u{E9}", " \n\t", ",", "}",
                                   "]", "\"", "\\", "[]", "{}", "true"]

    func testMutatedRealBodiesDecodeTheSameBothWays() async throws {
        let perBody = Int(ProcessInfo.processInfo.environment["LASSOTOP_FUZZ_ITERATIONS"] ?? "") ?? 800
        var rng = SeededGenerator(seed: 0xB0D1E5)
        var answered = 0, gaveUp = 0, failures: [String] = []
        for (url, data) in try await realBodies() {
            let seed = Array(data)
            for _ in 0..<perBody {
                var bytes = seed
                for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                    case 1: bytes = Array(bytes.prefix(at))
                    case 2: bytes.insert(contentsOf: Array(Self.tokens.randomElement(using: &rng)!.utf8), at: at)
                    default:   // a number replaced, where the reader's conversions live
                        if let digit = bytes[at...].firstIndex(where: { (0x30...0x39).contains($0) }) {
                            var end = digit
                            while end < bytes.count, (0x30...0x39).contains(bytes[end]) || bytes[end] == UInt8(ascii: ".") { end += 1 }
                            bytes.replaceSubrange(digit..<end, with: Array(Self.tokens.randomElement(using: &rng)!.utf8))
                        }
                    }
                }
                let mutated = Data(bytes)
                let reference = Result { () throws(LassoDecodeError) in try MetricsResponse.foundationDecode(mutated) }
                if let fast = MetricsResponse.fastDecode(mutated) {
                    answered += 1
                    if case .success(let expected) = reference, fast == expected, "\(fast)" == "\(expected)" { continue }
                    if failures.count < 3 { failures.append("\(url): fast \(fast) vs \(reference)") }
                } else {
                    gaveUp += 1
                }
                let combined = Result { () throws(LassoDecodeError) in try MetricsResponse.decode(mutated) }
                switch (combined, reference) {
                case (.success(let a), .success(let b)) where a == b: break
                case (.failure(let a), .failure(let b)) where a == b: break
                default: if failures.count < 3 { failures.append("\(url): decode \(combined) vs \(reference)") }
                }
            }
        }
        print("metrics reader fuzz over real bodies: fast reader answered \(answered), gave up on \(gaveUp)")
        XCTAssertEqual(failures, [])
        XCTAssertGreaterThan(answered, 0)
        XCTAssertGreaterThan(gaveUp, 0)
    }
}
