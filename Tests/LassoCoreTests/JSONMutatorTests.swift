import XCTest
@testable import LassoCore

/// The fuzz tests' mutator itself (MetricsFastReaderTests.swift): a body cut right after a backslash inside a string
/// (a truncation, then another edit in the same mutation) made a member end one byte past the body, and the next edit
/// trapped the whole test process. Its seeds are fixed, so it struck only when a seed changed (a health seed with an
/// escape had been reordered to dodge it).
final class JSONMutatorTests: XCTestCase {
    func testAMemberNeverEndsPastABodyCutInsideAnEscape() {
        let cut = Array("{\"a\":\"caf\\".utf8)
        let members = JSONMutator.members(cut)
        XCTAssertEqual(members.count, 1)
        XCTAssertEqual(members.first?.end, cut.count)
    }

    func testMutatingBodiesWithEscapesNeverTraps() {
        let seeds = ["{\"a\":\"caf\\u00e9\",\"b\":[1,2],\"c\":{\"d\":\"x\\\\y\"}}", "{\"version\":\"0.3\\u00e9\",\"n\":1}"]
        var rng = SeededGenerator(seed: 42)
        var mutated = 0
        for seed in seeds {
            let bytes = Array(seed.utf8)
            let members = JSONMutator.members(bytes)
            for _ in 0..<20_000 where JSONMutator.mutate(bytes, seedMembers: members, using: &rng) != bytes { mutated += 1 }
        }
        XCTAssertGreaterThan(mutated, 30_000)
    }
}
