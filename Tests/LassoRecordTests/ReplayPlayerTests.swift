import Foundation
import LassoCore
@testable import LassoRecord
import XCTest

/// The player behind `lassotop replay`: playing, stepping and jumping give exactly the snapshots a seek gives.
final class ReplayPlayerTests: XCTestCase {
    func testPlayStepJumpMatchSeeking() throws {
        let (path, written) = try DamageTests.record(steps: 150)
        defer { unlink(path) }
        let reader = try RecordReader.open(path: path)
        let player = try ReplayPlayer(reader: reader)
        let first = written.first!.generatedAtMs
        XCTAssertEqual(player.snapshot(nowMs: 0), written.first)
        // Playing at 1×: 1 s of wall time moves the playhead 1 s.
        XCTAssertEqual(player.snapshot(nowMs: 1_000), written.last { $0.generatedAtMs <= first + 1_000 })
        player.faster()
        player.faster()   // 4×
        XCTAssertEqual(player.speed, 4)
        XCTAssertEqual(player.snapshot(nowMs: 2_000), written.last { $0.generatedAtMs <= first + 5_000 })
        // Stepping visits every recorded snapshot, across block boundaries, in both directions.
        player.seek(toMs: first)
        var seen: [Int64] = []
        for _ in 0..<(written.count - 1) {
            player.step(1)
            seen.append(try XCTUnwrap(player.snapshot(nowMs: 3_000)).generatedAtMs)
        }
        XCTAssertEqual(seen, written.dropFirst().map(\.generatedAtMs))
        XCTAssertTrue(player.paused)
        for index in stride(from: written.count - 2, through: 0, by: -1) {
            player.step(-1)
            XCTAssertEqual(player.snapshot(nowMs: 3_000), written[index])
        }
        // Jumps clamp to the recording; at the end playback stops.
        player.jump(seconds: 3_600)
        XCTAssertEqual(player.positionMs, player.endMs)
        XCTAssertEqual(player.snapshot(nowMs: 4_000), written.last)
        player.togglePause()   // at the end: plays again from the start
        XCTAssertEqual(player.snapshot(nowMs: 4_000), written.first)
        player.jump(seconds: -60)
        XCTAssertEqual(player.positionMs, player.startMs)
        for _ in 0..<12 { player.slower() }
        XCTAssertEqual(player.speed, 0.25)
        // Random seeks agree with the reader.
        var random = SeededGenerator(seed: 4)
        for _ in 0..<40 {
            let moment = first + Int64.random(in: 0...(written.last!.generatedAtMs - first), using: &random)
            player.seek(toMs: moment)
            XCTAssertEqual(player.snapshot(nowMs: 4_000), try reader.snapshot(at: moment))
        }
    }
}
