import Foundation
import LassoCore
import XCTest
@testable import LassoTUI

/// Cells never claim more than lassotop knows: an unseen circuit is unknown, and a plain locale never blanks a name.
final class HonestCellsTests: XCTestCase {
    func render(_ snapshot: ClusterSnapshot, page: Page, caps: RenderCaps = RenderCaps(),
                size: GridSize = GridSize(width: 160, height: 40)) -> CellGrid {
        var state = Fixtures.state { $0.pages.append(PageEntry(page: page)) }
        state.screenWidth = size.width
        state.screenHeight = size.height
        return Renderer.render(state: state, snapshot: snapshot, size: size, caps: caps, nowMs: Fixtures.nowMs)
    }

    func lines(_ grid: CellGrid) -> [String] { grid.text.components(separatedBy: "\n") }

    func testCircuitIsADashUntilAnEventIsSeen() {
        var snapshot = Fixtures.snapshot(.healthy)
        snapshot.feed = []   // no event source, as with real Lasso
        let rows = lines(render(snapshot, page: .provider(chain: "ethereum", id: "infura")))
        let nodeRows = rows.filter { $0.contains("iad-1") || $0.contains("fra-1") || $0.contains("sin-1") }
        XCTAssertFalse(nodeRows.isEmpty, rows.joined(separator: "\n"))
        XCTAssertFalse(rows.joined().contains("closed"), rows.joined(separator: "\n"))

        // With the fixture's circuit event for fra-1 (opened), that node says so; the others still don't claim "closed".
        let withEvents = lines(render(Fixtures.snapshot(.healthy), page: .provider(chain: "ethereum", id: "infura")))
        XCTAssertTrue(withEvents.contains { $0.contains("fra-1") && $0.contains("open") }, withEvents.joined(separator: "\n"))
        XCTAssertFalse(withEvents.contains { $0.contains("iad-1") && $0.contains("closed") })
    }

    func testPlainLocaleReplacesEachCharacterVisiblyKeepingWidth() {
        let unicode = render(Fixtures.snapshot(.cjk), page: .view(.overview))
        let ascii = render(Fixtures.snapshot(.cjk), page: .view(.overview), caps: RenderCaps(unicode: false))
        // Every cell the terminal gets is ASCII: nothing a C locale would blank.
        for cell in ascii.cells where !cell.isContinuation {
            XCTAssertTrue(cell.grapheme.allSatisfy(\.isASCII), "non-ASCII cell \(cell.grapheme)")
        }
        let row = try? XCTUnwrap(lines(ascii).first { $0.contains("??????????") })
        XCTAssertNotNil(row, "東京ノード (5 wide characters) shows as 10 question marks:\n" + ascii.text)
        // Same layout: the name takes the same cells as in a UTF-8 locale, so columns stay where they were.
        let unicodeRow = lines(unicode).first { $0.contains("東京ノード") } ?? ""
        XCTAssertEqual(CellWidth.of(unicodeRow), row.map(CellWidth.of) ?? -1)
    }

    func testStaleNodeRowIsMarkedAndLowSampleP95IsStarredAndP90Shown() throws {
        var snapshot = Fixtures.snapshot(.healthy)
        let chainIndex = try XCTUnwrap(snapshot.chains.firstIndex { $0.chain == "ethereum" })
        let providerIndex = try XCTUnwrap(snapshot.chains[chainIndex].providers.firstIndex { $0.id == "infura" })
        snapshot.chains[chainIndex].providers[providerIndex].byNode[0].stale = true
        let staleNode = snapshot.chains[chainIndex].providers[providerIndex].byNode[0].node
        snapshot.chains[chainIndex].providers[providerIndex].methods[0].lowSample = true
        snapshot.chains[chainIndex].providers[providerIndex].methods[0].p90 = 333
        let rows = lines(render(snapshot, page: .provider(chain: "ethereum", id: "infura"), size: GridSize(width: 200, height: 60)))
        XCTAssertTrue(rows.contains { $0.contains(staleNode + " (stale)") }, rows.joined(separator: "\n"))
        let header = try XCTUnwrap(rows.first { $0.contains("METHOD") })
        XCTAssertTrue(header.contains("P90"), header)
        let method = snapshot.chains[chainIndex].providers[providerIndex].methods[0]
        let row = try XCTUnwrap(rows.first { $0.contains(method.method) })
        XCTAssertTrue(row.contains("333ms"), row)
        XCTAssertTrue(row.contains(Format.ms(method.p95) + "*"), row)
        let perNode = try XCTUnwrap(rows.first { $0.contains("NODE") && $0.contains("CIRCUIT") })
        XCTAssertTrue(perNode.contains("~P50") && perNode.contains("~P95"), "estimates are labelled: " + perNode)
    }

    func testAlertValuesUseTheirUnitAndNameTheWindow() throws {
        var snapshot = Fixtures.snapshot(.healthy)
        snapshot.alerts = [Alert(rule: AlertRule.pollSuccess.rawValue, level: .critical, state: .firing, startedAtMs: Fixtures.nowMs - 60_000,
                                 value: 0.71, threshold: 0.9, explanation: "Poll success low.",
                                 detail: "poll success 71.0% over 5m00s, 71 of 100 polls ok")]
        let rows = lines(render(snapshot, page: .view(.alerts), size: GridSize(width: 200, height: 40)))
        let row = try XCTUnwrap(rows.first { $0.contains("poll_success") }, rows.joined(separator: "\n"))
        XCTAssertTrue(row.contains("71.0%"), row)
        XCTAssertTrue(row.contains("< 90.0%"), row)
        XCTAssertFalse(row.contains("0.71"), row)
        XCTAssertTrue(row.contains("over 5m00s"), "the window is named: " + row)
    }

    func testDetailExportsUseSnakeCaseKeys() throws {
        let snapshot = Fixtures.snapshot(.healthy)
        var all: [String] = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                for (key, child) in object { all.append(key); walk(child) }
            } else if let array = value as? [Any] { array.forEach(walk) }
        }
        for (page, pane) in [(Page.provider(chain: "ethereum", id: "infura"), Pane.providerNodes), (.node(name: "iad-1"), .nodeProviders),
                             (.view(.ops), .opsNodes)] {
            let state = Fixtures.state { $0.pages.append(PageEntry(page: page)) }
            let document = Exporter.document(for: ExportRequest(page: page, pane: pane), state: state, snapshot: snapshot,
                                             nowMs: Fixtures.nowMs)
            walk(try JSONSerialization.jsonObject(with: Data(document.contents.utf8)))
        }
        XCTAssertFalse(all.isEmpty)
        let camel = all.filter { $0.contains(where: \.isUppercase) }
        XCTAssertEqual(Set(camel), [], "camelCase keys in exports")
        XCTAssertTrue(all.contains("latency_history") && all.contains("generated_at_ms"))
    }

    func testNullMethodAverageAndSuccessShowADashNotZero() throws {
        var snapshot = Fixtures.snapshot(.healthy)
        let c = try XCTUnwrap(snapshot.chains.firstIndex { $0.chain == "ethereum" })
        let p = try XCTUnwrap(snapshot.chains[c].providers.firstIndex { $0.id == "infura" })
        snapshot.chains[c].providers[p].methods[0].avgLatencyMs = nil
        snapshot.chains[c].providers[p].methods[0].successRate = nil
        let method = snapshot.chains[c].providers[p].methods[0].method
        let rows = lines(render(snapshot, page: .provider(chain: "ethereum", id: "infura"), size: GridSize(width: 200, height: 60)))
        let row = try XCTUnwrap(rows.first { $0.contains(method) })
        let header = try XCTUnwrap(rows.first { $0.contains("METHOD") })
        func cell(_ title: String) -> String {
            // Right-aligned columns end where their title ends.
            guard let range = header.range(of: title) else { return "?" }
            let end = header.distance(from: header.startIndex, to: range.upperBound)
            let chars = Array(row)
            return String(chars[max(0, end - 7)..<min(chars.count, end)]).trimmingCharacters(in: .whitespaces)
        }
        XCTAssertEqual(cell("AVG"), "—", row)
        XCTAssertEqual(cell("SUCC"), "—", row)
        XCTAssertFalse(row.contains("0.0%"), row)
    }
}
