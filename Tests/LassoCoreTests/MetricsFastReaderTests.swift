import Foundation
import XCTest
@testable import LassoCore

/// The byte-level metrics reader against Foundation's `JSONDecoder` path: wherever the reader answers, its answer is
/// the decoder's; wherever it gives up, `MetricsResponse.decode` returns the decoder's result or error. Real demo
/// bodies over HTTP are checked in Tests/LassoClientTests/MetricsFastReaderOverHTTPTests.swift.
final class MetricsFastReaderTests: XCTestCase {

    // MARK: - Seeds

    /// A body written the way the demo node writes one (Sources/LassoDemo/Encoding.swift): Lasso's key order, the
    /// `chain_performance` placeholders, floats always with a point, a null provider name, `rpc_performance_by_method`.
    static func demoShapedBody(providers: Int, methods: Int, seed: UInt64) -> String {
        var rng = SeededGenerator(seed: seed)
        func float(_ value: Double, places: Int) -> String {
            var scale = 1.0
            for _ in 0..<places { scale *= 10 }
            let text = "\((value * scale).rounded() / scale)"
            return text.contains(".") || text.contains("e") ? text : text + ".0"
        }
        let ids = (0..<providers).map { "ethereum_provider\($0)" }
        let names: [String] = (0..<providers).map { $0 % 3 == 2 ? "null" : "\"Provider \($0) Ethereum\"" }
        let keys = (0..<methods).map { "eth_method\($0)@\($0 % 3 == 0 ? "ws" : "http")" }
        func entry(_ key: String, provider: Int?) -> String {
            let avg = Double.random(in: 5...900, using: &rng)
            let p50 = Int.random(in: 1...500, using: &rng)
            var out = "{\"method\":\"\(key)\","
            if let provider { out += "\"provider_id\":\"\(ids[provider])\",\"provider_name\":\(names[provider])," }
            return out + "\"avg_latency_ms\":\(float(avg, places: 2)),\"p50_latency_ms\":\(p50),"
                + "\"p90_latency_ms\":\(p50 * 2),\"p95_latency_ms\":\(p50 * 3),\"p99_latency_ms\":\(p50 * 4),"
                + "\"success_rate\":\(float(Double.random(in: 0.9...1, using: &rng), places: 4)),"
                + "\"total_calls\":\(Int.random(in: 0...90_000, using: &rng)),\"last_updated\":1786788752001}"
        }
        var out = "{\"chain\":\"ethereum\",\"chain_id\":1,\"timestamp\":1786788753123,"
            + "\"system_metrics\":{\"memory_mb\":180.4,\"cpu_percent\":2.8,\"process_count\":1900,\"run_queue\":0},"
            + "\"chain_performance\":{\"total_calls\":608,\"success_rate\":null,\"p50_latency\":null,\"p95_latency\":null,"
            + "\"failovers_last_minute\":0,\"connected_providers\":0,\"total_providers\":0,\"recent_activity\":0,"
            + "\"rpc_calls_per_second\":0.0,\"error_rate_percent\":0.0},"
        out += "\"providers\":[" + (0..<providers).map { p in
            "{\"id\":\"\(ids[p])\",\"name\":\(names[p]),\"score\":\(float(Double.random(in: 0...3, using: &rng), places: 2)),"
                + "\"success_rate\":\(float(Double.random(in: 0.9...1, using: &rng), places: 2)),"
                + "\"total_calls\":\(Int.random(in: 0...900_000, using: &rng)),"
                + "\"avg_latency_ms\":\(float(Double.random(in: 5...900, using: &rng), places: 2)),"
                + "\"calls_last_minute\":\(Int.random(in: 0...900, using: &rng))}"
        }.joined(separator: ",") + "],"
        out += "\"rpc_methods\":[" + keys.map { "\"\($0)\"" }.joined(separator: ",") + "],"
        out += "\"rpc_performance_by_provider\":[" + (0..<providers).map { p in
            "{\"provider_id\":\"\(ids[p])\",\"provider_name\":\(names[p]),\"methods\":["
                + keys.map { entry($0, provider: nil) }.joined(separator: ",") + "]}"
        }.joined(separator: ",") + "],"
        out += "\"rpc_performance_by_method\":[" + keys.map { key in
            "{\"method\":\"\(key)\",\"providers\":[" + (0..<providers).map { entry(key, provider: $0) }
                .joined(separator: ",") + "]}"
        }.joined(separator: ",") + "],"
        return out + "\"last_updated\":1786788753120}"
    }

    /// Bodies the reader must take whole: demo-shaped, the hand-written Lasso sample, and a pretty-printed one.
    static let acceptedSeeds: [String] = [
        demoShapedBody(providers: 3, methods: 4, seed: 1),
        demoShapedBody(providers: 1, methods: 1, seed: 2),
        ModelDecodingTests.metricsBody,
        #"{"chain":"base","chain_id":8453,"providers":[],"last_updated":0}"#,
        """
        {
          "chain" : "arbitrum", "chain_id" : 42161, "timestamp" : 5,\r
          "system_metrics" : null, "chain_performance" : null,
          "providers" : [ { "id" : "arb_a", "name" : null, "score" : null, "success_rate" : 1.0000001,
                            "total_calls" : 0, "avg_latency_ms" : 0.5, "calls_last_minute" : null, "extra" : [true, false, {}] } ],
        \t"rpc_methods" : null,
          "rpc_performance_by_provider" : [ { "provider_id" : "arb_a", "methods" : null },
            { "provider_id" : "arb_b", "provider_name" : "B", "methods" : [ { "method" : "eth_call@http",
              "avg_latency_ms" : null, "success_rate" : null, "total_calls" : 7 } ] } ]
        }
        """,
    ]

    /// Bodies the tolerant path handles (dropped entries, errors): seeds for the fuzz, not for the fast path.
    static let tolerantSeeds: [String] = [
        String(decoding: TolerantDecodingTests.body(providers: "[\(TolerantDecodingTests.good),{\"id\":\"x\",\"total_calls\":null}]"),
               as: UTF8.self),
        #"{"chain":"ethereum","chain_id":"1","providers":[{"id":"p_alpha","total_calls":"many"}]}"#,
    ]

    // MARK: - Checking one body

    typealias Tally = FastReaderDifferential<MetricsResponse>.Tally

    /// Every checked body is read through this one table, as the monitor reads every node's body (NameTable.swift):
    /// small, so it fills and starts over again and again while the fuzz runs.
    static let fuzzNames = NameTable(capacity: 16)

    static var differential: FastReaderDifferential<MetricsResponse> { .init(
        fast: { MetricsResponse.fastDecode($0, names: fuzzNames) },
        foundation: { (data: Data) throws(LassoDecodeError) in try MetricsResponse.foundationDecode(data) },
        combined: { (data: Data) throws(LassoDecodeError) in try MetricsResponse.decode(data, names: fuzzNames) },
        noun: "body") }

    static func check(_ bytes: [UInt8], against seedResult: MetricsResponse?, into tally: inout Tally) {
        differential.check(bytes, against: seedResult, into: &tally)
    }

    // MARK: - Tests

    func testSeedBodiesTakeTheFastPathAndMatchFoundation() throws {
        for seed in Self.acceptedSeeds {
            let data = Data(seed.utf8)
            let fast = try XCTUnwrap(MetricsResponse.fastDecode(data), "the reader gave up on a well-formed body: \(seed.prefix(200))")
            let reference = try MetricsResponse.foundationDecode(data)
            XCTAssertEqual(fast, reference)
            XCTAssertEqual("\(fast)", "\(reference)")
        }
        let big = try XCTUnwrap(MetricsResponse.fastDecode(Data(Self.demoShapedBody(providers: 25, methods: 12, seed: 9).utf8)))
        XCTAssertEqual(big.providers.count, 25)
        XCTAssertEqual(big.methodsByProvider.map(\.methods.count), Array(repeating: 12, count: 25))
        XCTAssertNil(big.providers[2].name)
    }

    func testQuirksMatchTheTolerantRules() throws {
        func provider(_ fields: String) -> Data {
            TolerantDecodingTests.body(providers: #"[{"id":"p","total_calls":3,"#+fields+"}]")
        }
        // (fields, the fast reader answers, check on the decoded provider)
        let cases: [(String, Bool, (MetricsResponse) -> Bool)] = [
            (#""success_rate":1.0000001"#, true, { $0.providers.first?.successRate == 1 }),
            (#""success_rate":1.5"#, false, { $0.providers.isEmpty && $0.droppedEntries.count == 1 }),
            (#""avg_latency_ms":76.80000000000001"#, true, { $0.providers.first?.avgLatencyMs == 76.80000000000001 }),
            (#""avg_latency_ms":0.12345678901234567890123"#, true, { $0.providers.first?.avgLatencyMs == 0.12345678901234568 }),
            (#""avg_latency_ms":1e2"#, true, { $0.providers.first?.avgLatencyMs == 100 }),
            (#""avg_latency_ms":1e308"#, false, { $0.providers.isEmpty }),
            (#""avg_latency_ms":-0"#, false, { $0.providers.first?.avgLatencyMs == 0 }),
            (#""score":null,"name":null"#, true, { $0.providers.first?.score == 0 && $0.providers.first?.name == nil }),
            (#""name":"caf\u00e9""#, false, { $0.providers.first?.name == "café" }),
            (#""name":"A","name":"B""#, false, { $0.providers.first?.name == "A" }),
            (#""calls_last_minute":12.0"#, false, { $0.providers.first?.callsLastMinute == 12 }),
            (#""calls_last_minute":999999999999999"#, true, { $0.providers.first?.callsLastMinute == 999_999_999_999_999 }),
            (#""calls_last_minute":1000000000000000"#, false, { $0.providers.isEmpty }),
        ]
        for (fields, answers, holds) in cases {
            let data = provider(fields)
            let reference = try MetricsResponse.foundationDecode(data)
            XCTAssertTrue(holds(reference), "\(fields): Foundation gave \(reference)")
            let fast = MetricsResponse.fastDecode(data)
            XCTAssertEqual(fast != nil, answers, "\(fields): fast reader \(fast.map { "\($0)" } ?? "gave up")")
            if let fast { XCTAssertEqual(fast, reference, fields) }
            XCTAssertEqual(try MetricsResponse.decode(data), reference, fields)
        }
    }

    func testBrokenBodiesGiveFoundationsError() {
        for text in ["", " ", "[]", "{", #"{"chain":"e","chain_id":1}x"#, #"{"chain":"e"}"#, #"{"chain_id":1}"#,
                     #"{"chain":"e","chain_id":1,"providers":{}}"#, #"{"chain":"e","chain_id":1,"chain_performance":[]}"#] {
            let data = Data(text.utf8)
            XCTAssertNil(MetricsResponse.fastDecode(data), text)
            let expected = Result { () throws(LassoDecodeError) in try MetricsResponse.foundationDecode(data) }
            guard case .failure(let error) = expected else { XCTFail("\(text) should not decode"); continue }
            XCTAssertThrowsError(try MetricsResponse.decode(data), text) { XCTAssertEqual($0 as? LassoDecodeError, error, text) }
        }
    }

    func testDifferentialFuzzAgainstFoundation() {
        let perSeed = Int(ProcessInfo.processInfo.environment["LASSOTOP_FUZZ_ITERATIONS"] ?? "") ?? 2_500
        var rng = SeededGenerator(seed: 0x5EED_FA57)
        var tally = Tally()
        let seeds = Self.acceptedSeeds + Self.tolerantSeeds
        for seed in seeds {
            let bytes = Array(seed.utf8)
            let seedResult = MetricsResponse.fastDecode(Data(bytes))
            let seedMembers = JSONMutator.members(bytes)
            for _ in 0..<perSeed {
                Self.check(JSONMutator.mutate(bytes, seedMembers: seedMembers, using: &rng), against: seedResult, into: &tally)
            }
        }
        print("metrics reader fuzz: \(tally.fast + tally.bailed) inputs; fast reader answered \(tally.fast) "
              + "(\(tally.fastAndChanged) of them with a result other than the seed's), gave up on \(tally.bailed); "
              + "Foundation decoded \(tally.decoded), rejected \(tally.failed)")
        XCTAssertEqual(tally.failures, [])
        XCTAssertEqual(tally.fast + tally.bailed, perSeed * seeds.count)
        // Neither side may be vacuous: many mutants are answered by the reader (and differ from the seed), many not.
        XCTAssertGreaterThan(tally.fast, perSeed * seeds.count / 10)
        XCTAssertGreaterThan(tally.fastAndChanged, perSeed * seeds.count / 20)
        XCTAssertGreaterThan(tally.bailed, perSeed * seeds.count / 10)
        XCTAssertGreaterThan(tally.failed, 0)
    }
}

/// Seeded mutations of a JSON body: raw byte damage, and edits that keep it JSON but change what it says (a value
/// replaced by an edge number or another type, a member removed, duplicated or moved, a key renamed, escapes,
/// non-ASCII and whitespace inserted).
enum JSONMutator {
    static let values: [String] = [
        "null", "0", "-0", "-0.0", "0.0", "1", "-1", "1.5", "1.0000001", "1.000001", "1.0000011", "0.9999999999999999",
        "0.99999999999999999999", "1e308", "1e309", "1e-308", "1e-400", "4.9406564584124654e-324", "1E2", "1e+2", "2e-1",
        "123456789012345678", "999999999999999", "1000000000000000", "999999999999999999", "1000000000000000000", "9223372036854775807", "9223372036854775808",
        "18446744073709551616", "1000000000000", "1000000000000.0001", "999999999999.99999", "76.80000000000001",
        "0.30000000000000004", "9007199254740993", "9007199254740993.0", "1200.0", "1200.5", "01", "1.", ".5", "+1",
        "NaN", "Infinity", "true", "false", "\"12\"", "\"1\"", "\"x\"", "\"\"", "\"\\u0041\"", "\"caf\u{E9}\"",
        "\"\\n\"", "\"a\\\"b\"", "\"\u{1B}[31m\"", "\"\\ud800\"", "[]", "{}", "[1]", "{\"a\":1}", "[null]", "[\"x\"]",
    ]
    static let junk: [String] = [" ", "\t", "\r\n", "  \n ", "\\", "\"", ",", ":", "{", "}", "[", "]", "\\u00e9",
                                 "\u{E9}", "\u{FEFF}", "\u{0}", "\u{7F}", "\\n", "null", ",\"x\":1"]

    /// A member `"key":value` at the given byte offsets (`end` is one past the value).
    struct Member {
        var start: Int
        var valueStart: Int
        var end: Int
    }

    static func members(_ bytes: [UInt8]) -> [Member] {
        var out: [Member] = []
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "\"") else { i += 1; continue }
            var back = i - 1
            while back >= 0, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[back]) { back -= 1 }
            var close = i + 1
            while close < bytes.count, bytes[close] != UInt8(ascii: "\"") { close += 1 }
            var colon = close + 1
            while colon < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[colon]) { colon += 1 }
            guard back >= 0, bytes[back] == UInt8(ascii: "{") || bytes[back] == UInt8(ascii: ","),
                  colon < bytes.count, bytes[colon] == UInt8(ascii: ":") else { i = close + 1; continue }
            var start = colon + 1
            while start < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[start]) { start += 1 }
            var end = start
            var depth = 0
            var inString = false
            while end < bytes.count {
                let b = bytes[end]
                if inString {
                    if b == UInt8(ascii: "\\") { end += 1 } else if b == UInt8(ascii: "\"") { inString = false }
                } else if b == UInt8(ascii: "\"") {
                    inString = true
                } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                    depth += 1
                } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    if depth == 0 { break }
                    depth -= 1
                } else if b == UInt8(ascii: ","), depth == 0 {
                    break
                }
                end += 1
            }
            // A backslash as the last byte (a body cut inside an escape) skips one past the end.
            end = min(end, bytes.count)
            out.append(Member(start: i, valueStart: start, end: end))
            i = close + 1
        }
        return out
    }

    /// `seedMembers`: `members(bytes)`, computed once per seed (the first edit is made on the seed itself).
    static func mutate(_ bytes: [UInt8], seedMembers: [Member]? = nil, using rng: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        for round in 0..<Int.random(in: 1...3, using: &rng) {
            guard !out.isEmpty else { break }
            let position = Int.random(in: 0..<out.count, using: &rng)
            let list = round == 0 ? seedMembers ?? members(out) : members(out)
            guard let member = list.randomElement(using: &rng) else { break }
            switch Int.random(in: 0..<12, using: &rng) {
            case 0:
                out[position] = UInt8.random(in: 0...255, using: &rng)
            case 1:
                out = Array(out.prefix(position))
            case 2:
                out.insert(contentsOf: Array(junk.randomElement(using: &rng)!.utf8), at: position)
            case 3, 4, 5:   // the most common: a value replaced, where the reader's number and type rules live
                out.replaceSubrange(member.valueStart..<member.end, with: Array(values.randomElement(using: &rng)!.utf8))
            case 6:         // a member removed, with one of its commas
                if member.end < out.count, out[member.end] == UInt8(ascii: ",") {
                    out.removeSubrange(member.start...member.end)
                } else if let comma = out[..<member.start].lastIndex(where: { $0 == UInt8(ascii: ",") }),
                          out[(comma + 1)..<member.start].allSatisfy({ [0x20, 0x0A, 0x0D, 0x09].contains($0) }) {
                    out.removeSubrange(comma..<member.end)
                } else {
                    out.removeSubrange(member.start..<member.end)
                }
            case 7:         // a member duplicated, sometimes with another value first
                var copy = Array(out[member.start..<member.end])
                if Bool.random(using: &rng) {
                    copy = Array(out[member.start..<member.valueStart]) + Array(values.randomElement(using: &rng)!.utf8)
                }
                out.insert(contentsOf: copy + [UInt8(ascii: ",")], at: member.start)
            case 8:         // a member moved after its next sibling
                if let next = list.first(where: { $0.start > member.end && $0.start <= member.end + 3 }) {
                    let a = Array(out[member.start..<member.end])
                    let b = Array(out[next.start..<next.end])
                    let between = Array(out[member.end..<next.start])
                    out.replaceSubrange(member.start..<next.end, with: b + between + a)
                }
            case 9:         // a key renamed (an unknown key, and the known one missing)
                out.insert(UInt8(ascii: "x"), at: member.start + 1)
            case 10:        // an escape or non-ASCII inside a string
                if member.valueStart < out.count, out[member.valueStart] == UInt8(ascii: "\""), member.end - member.valueStart > 2 {
                    let inside = Int.random(in: (member.valueStart + 1)..<(member.end - 1), using: &rng)
                    let text = ["\\u0041", "\\/", "\\\\", "\u{E9}", "\u{1F600}", "\\t", "\u{1}"].randomElement(using: &rng)!
                    out.insert(contentsOf: Array(text.utf8), at: inside)
                }
            default:        // whitespace around a member
                let ws = Array([" ", "\n", "\t ", "\r\n  "].randomElement(using: &rng)!.utf8)
                out.insert(contentsOf: ws, at: member.end)
                out.insert(contentsOf: ws, at: member.start)
            }
        }
        return out
    }
}
