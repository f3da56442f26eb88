import Foundation
import LassoCore
import XCTest

/// Seeded, bounded mutation fuzzing of `JSONLinesParser` (the `--events-from` input), each accepted event also pushed
/// through a `FeedBuffer`: no crash, no hang, every outcome an event, a `FeedLineError` or a skipped blank line.
/// `LASSOTOP_FUZZ_ITERATIONS` (per seed line) raises the count for a longer run; the count tried is printed.
final class JSONLinesFuzzTests: XCTestCase {

    /// Real-shaped lines of every accepted format (docs/feed.md, "JSON lines").
    static let seeds: [String] = [
        #"{"kind":"routing","ts":1786788753123,"request_id":"r1","source_node_id":"iad-1","chain_id":1,"chain":"ethereum","method":"eth_call","strategy":"fastest","provider_id":"ethereum_drpc","transport":"http","duration_ms":45,"result":"success","request_origin":"client","failover_count":0}"#,
        #"{"kind":"circuit","ts":1786788753200,"provider_id":"ethereum_ankr","from":"closed","to":"open","reason":"failure_threshold_exceeded","source_node_id":"fra-1"}"#,
        #"{"kind":"cluster","ts":1786788753300,"severity":"warning","message":"fra-1 down: connection refused"}"#,
        #"{"event":"rpc.request.completed","request_id":"b1","chain":"ethereum","jsonrpc_method":"eth_getLogs","routing":{"selected_provider":{"id":"p","protocol":"http"},"retries":2},"response":{"status":"error"},"timing":{"end_to_end_latency_ms":812.5},"timestamp":"2026-08-15T10:12:33.123Z","source_node_id":"sin-1","strategy":"round_robin"}"#,
        #"{"event":"rpc.request.completed","request_id":"b2","chain_id":8453,"jsonrpc_method":"eth_call","routing":{"selected_provider":{"id":"base_drpc"}},"response":{"status":"success"},"ts":1786788753999}"#,
    ]

    static let tokens: [String] = ["null", "-1", "1e308", "-0", "NaN", "Infinity", "\"\u{1B}]52;c;eA==\u{07}\"", "[]", "{}", "true",
                                   "\"\\ud800\"", "9223372036854775808", "-9223372036854775809", "1.5", "\"x\"", ",", ":", "\"",
                                   "}", "]", "\"event\"", "\"rpc.request.completed\"", "\u{202E}", "\u{FF}", "\n", "\\"]

    static func mutate(_ bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !out.isEmpty else { break }
            let position = Int.random(in: 0..<out.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0: out[position] = UInt8.random(in: 0...255, using: &rng)
            case 1: out.removeSubrange(position..<min(out.count, position + Int.random(in: 1...16, using: &rng)))
            case 2: out.insert(contentsOf: Array(tokens.randomElement(using: &rng)!.utf8), at: position)
            case 3: out = Array(out.prefix(position))
            case 4: out.insert(contentsOf: out[position..<min(out.count, position + 32)], at: position)
            case 5:   // replace a number with a token
                if let digit = out[position...].firstIndex(where: { (0x30...0x39).contains($0) }) {
                    out.replaceSubrange(digit...digit, with: Array(tokens.randomElement(using: &rng)!.utf8))
                }
            default:  // deep nesting: parsers must not recurse without bound on hostile input
                out.insert(contentsOf: Array(repeating: UInt8(ascii: "["), count: Int.random(in: 1...2_000, using: &rng)), at: position)
            }
        }
        return out
    }

    func testMutatedLinesNeverCrash() {
        let iterations = Int(ProcessInfo.processInfo.environment["LASSOTOP_FUZZ_ITERATIONS"] ?? "") ?? 1_500
        var rng = SeededGenerator(seed: 0x1A55_0708)
        var feed = FeedBuffer()
        let now: Int64 = 1_786_788_760_000
        var accepted = 0, rejected = 0, blank = 0
        for seed in Self.seeds {
            guard case .success? = JSONLinesParser.parse(line: seed, nowMs: now) else {
                XCTFail("the unmutated seed must parse: \(seed)")
                continue
            }
            let bytes = Array(seed.utf8)
            for _ in 0..<iterations {
                // Lines arrive as bytes; the source decodes them leniently (invalid UTF-8 becomes U+FFFD).
                let line = String(decoding: Self.mutate(bytes, using: &rng), as: UTF8.self)
                switch JSONLinesParser.parse(line: line, nowMs: now) {
                case .success(let event)?:
                    accepted += 1
                    _ = feed.ingest(event, nowMs: now)
                case .failure?:
                    rejected += 1
                    feed.recordMalformed()
                case nil:
                    blank += 1
                }
            }
        }
        print("JSON-lines fuzz: tried \(accepted + rejected + blank) lines (\(accepted) accepted, \(rejected) malformed, \(blank) blank)")
        XCTAssertEqual(accepted + rejected + blank, iterations * Self.seeds.count)
        XCTAssertGreaterThan(rejected, 0, "mutations must produce malformed lines, or the fuzzer is not mutating")
        XCTAssertGreaterThan(accepted, 0, "some mutations keep the line valid")
        XCTAssertEqual(feed.stats.malformed, rejected)
        XCTAssertLessThanOrEqual(feed.events.count, FeedOptions().displayCapacity)
    }
}
