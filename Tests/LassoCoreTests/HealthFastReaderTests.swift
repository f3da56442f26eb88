import Foundation
import XCTest
@testable import LassoCore

/// The health byte reader against `JSONDecoder` (HealthResponse.foundationDecode): on the bodies Lasso and the demo
/// send it answers, and answers the same; on thousands of mutants it answers the same or gives up, and `decode` then
/// gives Foundation's result or error.
final class HealthFastReaderTests: XCTestCase {
    /// Bodies the reader must take itself.
    static let acceptedSeeds: [String] = [
        #"{"status":"healthy","timestamp":"2026-11-30T22:54:19.190450Z","uptime_seconds":5,"version":"0.2.0","cluster":{"enabled":true,"nodes_connected":3,"nodes_responding":3,"nodes_total":3,"regions":["iad","fra","sin"],"status":"healthy"}}"#,
        #"{"status":"healthy","uptime_seconds":86400,"version":"0.1.0","cluster":{"enabled":false,"nodes_connected":1,"nodes_responding":1,"regions":[]}}"#,
        #"{ "cluster" : { "nodes_responding" : 1 , "nodes_connected" : 2 , "status" : "degraded" , "extra" : [ 1 , { "a" : null } ] } , "timestamp" : null , "uptime_seconds" : null }"#,
        #"{"status":null,"version":null,"cluster":{"enabled":null,"nodes_connected":0,"nodes_responding":0,"nodes_total":null,"regions":null,"status":null},"other":{"x":[true,false]}}"#,
    ]

    /// Bodies it leaves to Foundation (some decode there, some do not).
    static let otherSeeds: [String] = [
        #"{"cluster":{"nodes_connected":3,"nodes_responding":3},"status":"caf\u00e9"}"#,
        #"{"uptime_seconds":12.0,"cluster":{"nodes_connected":3.0,"nodes_responding":3}}"#,
        #"{"cluster":{"nodes_connected":3}}"#,
        #"{"cluster":null}"#,
        #"{"status":"healthy","status":"x","cluster":{"nodes_connected":1,"nodes_responding":1}}"#,
    ]

    static let healthValues: [String] = ["true", "false", "null", "\"healthy\"", "\"standalone\"", "[\"iad\",null]",
                                         "[\"a\",\"b\"]", "-1", "1e2", "99999999999999999999", "2.5", "{}", "\"\""]

    typealias Tally = FastReaderDifferential<HealthResponse>.Tally

    static var differential: FastReaderDifferential<HealthResponse> { .init(
        fast: { HealthResponse.fastDecode($0) },
        foundation: { (data: Data) throws(LassoDecodeError) in try HealthResponse.foundationDecode(data) },
        combined: { (data: Data) throws(LassoDecodeError) in try HealthResponse.decode(data) },
        noun: "body") }

    func testSeedBodiesTakeTheFastPathAndMatchFoundation() throws {
        for seed in Self.acceptedSeeds {
            let data = Data(seed.utf8)
            let fast = try XCTUnwrap(HealthResponse.fastDecode(data), "the reader gave up on a well-formed body: \(seed)")
            XCTAssertEqual(fast, try HealthResponse.foundationDecode(data))
        }
        let demo = try XCTUnwrap(HealthResponse.fastDecode(Data(Self.acceptedSeeds[0].utf8)))
        XCTAssertEqual(demo.cluster.regions, ["iad", "fra", "sin"])
        XCTAssertEqual(demo.uptimeSeconds, 5)
        let defaults = try XCTUnwrap(HealthResponse.fastDecode(Data(Self.acceptedSeeds[3].utf8)))
        XCTAssertEqual(defaults.status, "healthy")
        XCTAssertEqual(defaults.cluster.status, "standalone")
        XCTAssertEqual(defaults.cluster.regions, [])
        for seed in Self.otherSeeds { XCTAssertNil(HealthResponse.fastDecode(Data(seed.utf8)), seed) }
    }

    func testDifferentialFuzzAgainstFoundation() {
        let perSeed = FastReaderDifferential<HealthResponse>.iterationsPerSeed
        let seeds = Self.acceptedSeeds + Self.otherSeeds
        let tally = Self.differential.fuzz(seeds: seeds, values: Self.healthValues, rngSeed: 0x4EA1_7B0D)
        XCTAssertEqual(tally.failures, [])
        XCTAssertEqual(tally.fast + tally.bailed, perSeed * seeds.count)
        // A health body is small: most mutants break it, and Foundation rejects them too.
        XCTAssertGreaterThan(tally.fast, perSeed * seeds.count / 20)
        XCTAssertGreaterThan(tally.fastAndChanged, perSeed * seeds.count / 100)
        XCTAssertGreaterThan(tally.bailed, perSeed * seeds.count / 10)
        XCTAssertGreaterThan(tally.failed, 0)
    }
}
