import Foundation
import XCTest
@testable import LassoCore

/// Seeded, bounded mutation fuzzing of every decoder with real-shaped bodies: no crash, no hang, and every failure
/// is a `LassoDecodeError`. `LASSOTOP_FUZZ_ITERATIONS` raises the count for a longer run (the default keeps
/// `swift test` fast); the count tried is printed.
final class DecoderFuzzTests: XCTestCase {

    static let seeds: [(name: String, body: String)] = [
        ("health", """
        {"status":"healthy","timestamp":"2026-08-15T10:12:33.123456Z","uptime_seconds":86400,"version":"0.2.0",
         "cluster":{"enabled":true,"nodes_connected":3,"nodes_responding":2,"nodes_total":3,"regions":["eu","us"],"status":"degraded"}}
        """),
        ("metrics", ModelDecodingTests.metricsBody),
        ("chains", #"{"chains":[{"chain_id":"1","name":"Ethereum Mainnet","chain_name":"ethereum","supported":true}]}"#),
        ("events", """
        {"node_id":"iad-1","next":3,"events":[{"ts":1786788753123,"request_id":"r1","source_node_id":"iad-1","chain_id":1,
         "chain":"ethereum","method":"eth_call","provider_id":"p","transport":"http","duration_ms":45,"result":"success",
         "request_origin":"client","failover_count":0},{"kind":"circuit","ts":5,"provider_id":"p","from":"closed","to":"open"}]}
        """),
    ]

    static let tokens: [String] = ["null", "-1", "1e308", "-0", "NaN", "Infinity", "\"\u{1B}[31m\"", "[]", "{}", "true",
                                   "\"\\ud800\"", "9223372036854775808", "1.5", "\"x\"", ",", ":", "\"", "}", "]"]

    static func mutate(_ bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !out.isEmpty else { break }
            let position = Int.random(in: 0..<out.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: out[position] = UInt8.random(in: 0...255, using: &rng)                  // flip a byte
            case 1: out.removeSubrange(position..<min(out.count, position + Int.random(in: 1...16, using: &rng)))
            case 2: out.insert(contentsOf: Array(tokens.randomElement(using: &rng)!.utf8), at: position)
            case 3: out = Array(out.prefix(position))                                         // truncate
            case 4: out.insert(contentsOf: out[position..<min(out.count, position + 32)], at: position)  // duplicate a span
            default:                                                                           // replace a number
                if let digit = out[position...].firstIndex(where: { (0x30...0x39).contains($0) }) {
                    out.replaceSubrange(digit...digit, with: Array(tokens.randomElement(using: &rng)!.utf8))
                }
            }
        }
        return out
    }

    func decodeAny(_ name: String, _ data: Data) -> Bool {
        do {
            switch name {
            case "health": _ = try HealthResponse.decode(data)
            case "metrics": _ = try MetricsResponse.decode(data)
            case "chains": _ = try ChainsResponse.decode(data)
            default: _ = try EventsPage.decode(data)
            }
            return true
        } catch {
            return false   // typed: LassoDecodeError is the only error these functions can throw
        }
    }

    func testMutatedBodiesNeverCrash() {
        let iterations = Int(ProcessInfo.processInfo.environment["LASSOTOP_FUZZ_ITERATIONS"] ?? "") ?? 2_000
        var rng = SeededGenerator(seed: 0xC0FFEE)
        var accepted = 0
        var rejected = 0
        for seed in Self.seeds {
            XCTAssertTrue(decodeAny(seed.name, Data(seed.body.utf8)), "the unmutated \(seed.name) body must decode")
            let bytes = Array(seed.body.utf8)
            for _ in 0..<iterations {
                if decodeAny(seed.name, Data(Self.mutate(bytes, using: &rng))) { accepted += 1 } else { rejected += 1 }
            }
        }
        print("decoder fuzz: tried \(accepted + rejected) inputs (\(accepted) accepted, \(rejected) rejected)")
        XCTAssertEqual(accepted + rejected, iterations * Self.seeds.count)
        XCTAssertGreaterThan(rejected, 0, "mutations must produce rejected inputs, or the fuzzer is not mutating")
    }
}
