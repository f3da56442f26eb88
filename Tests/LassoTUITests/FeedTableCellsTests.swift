import LassoCore
import XCTest
@testable import LassoTUI

/// A table draws the visible rows with the cells its layout built while measuring them (`layoutKeepingCells`): each
/// drawn row must still show its own event in every column, wherever the window is scrolled, for a feed measured
/// whole (at most 100 rows) and one measured only where drawn.
final class FeedTableCellsTests: XCTestCase {
    func testEveryDrawnRowShowsItsOwnEventInEveryColumn() {
        for count in [40, 150] {
            var snapshot = Fixtures.snapshot(.healthy)
            snapshot.feed = (0..<count).map { i in
                FeedEvent(kind: .routing, ts: Fixtures.nowMs - Int64(count - i) * 61_000, sourceNodeID: "iad-1", chain: "ethereum",
                          method: "method_\(i)", providerID: "provider_\(i)", durationMs: 1_000 + i, result: "success")
            }
            for selected in [0, 7, count / 2, count - 1] {
                let state = Fixtures.state {
                    $0.pages = [PageEntry(page: .view(.feed))]
                    $0.follow = false
                    $0.selection[.feed] = selected
                }
                let grid = Renderer.render(state: state, snapshot: snapshot, size: GridSize(width: 120, height: 40), caps: RenderCaps(),
                                           nowMs: Fixtures.nowMs)
                var shown: [Int] = []
                for y in 0..<grid.height {
                    let line = grid.line(y)
                    guard let range = line.range(of: #"method_\d+"#, options: .regularExpression),
                          let i = Int(line[range].dropFirst("method_".count)) else { continue }
                    shown.append(i)
                    let event = snapshot.feed[i]
                    XCTAssertTrue(line.contains(Format.clock(event.ts, offsetSeconds: 0)), "row of event \(i): \(line)")
                    XCTAssertTrue(line.contains("provider_\(i) "), "row of event \(i): \(line)")
                    XCTAssertTrue(line.contains(Format.ms(Double(1_000 + i))), "row of event \(i): \(line)")
                }
                XCTAssertTrue(shown.contains(selected), "\(count) events, selected \(selected): \(shown)")
                XCTAssertEqual(shown, Array((shown.first ?? 0)..<((shown.first ?? 0) + shown.count)), "consecutive rows")
                XCTAssertGreaterThan(shown.count, 20)
            }
        }
    }
}
