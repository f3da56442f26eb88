import LassoCore
import XCTest
@testable import LassoTUI

/// The overview copies its nodes and providers panels from the last frame when their inputs did not change
/// (`PanelMemo`). Every frame drawn with the memo must equal the frame drawn without it, whatever changed between
/// frames; a key that left out an input would show the last frame's panel and fail here.
final class PanelMemoTests: XCTestCase {
    static let size = GridSize(width: 120, height: 40)

    /// One input changed (or nothing but the feed and clock), and what the frame is then drawn from.
    struct Step {
        var name: String
        var change: (inout UIState, inout ClusterSnapshot, inout RenderCaps, inout GridSize) -> Void
    }

    static var steps: [Step] {
        func node(_ index: Int, _ edit: @escaping (inout NodeStatus) -> Void) -> (inout UIState, inout ClusterSnapshot, inout RenderCaps, inout GridSize) -> Void {
            { _, snapshot, _, _ in edit(&snapshot.nodes[index]) }
        }
        return [
            Step(name: "nothing but the clock and feed") { _, snapshot, _, _ in
                snapshot.feed.removeFirst()
            },
            Step(name: "a node's poll latency") { s, n, c, z in node(1) { $0.latencyMs = ($0.latencyMs ?? 0) + 7 }(&s, &n, &c, &z) },
            Step(name: "a node's uptime") { s, n, c, z in node(0) { $0.uptimeSeconds = ($0.uptimeSeconds ?? 0) + 2 }(&s, &n, &c, &z) },
            Step(name: "a node's version") { s, n, c, z in node(2) { $0.version = "9.9.9" }(&s, &n, &c, &z) },
            Step(name: "a node's own cluster view") { s, n, c, z in
                node(0) { $0.cluster = ClusterView(enabled: true, nodesConnected: 3, nodesResponding: 1, nodesTotal: 3, regions: [], status: "degraded") }(&s, &n, &c, &z)
            },
            Step(name: "a node goes down") { s, n, c, z in
                node(2) { $0.state = .down; $0.lastError = "connect ECONNREFUSED" }(&s, &n, &c, &z)
            },
            Step(name: "the coverage") { _, snapshot, _, _ in snapshot.coverage.responding = 2 },
            Step(name: "a discovery error") { _, snapshot, _, _ in snapshot.discoveryError = "lookup failed" },
            Step(name: "a provider's calls") { _, snapshot, _, _ in snapshot.chains[0].providers[0].totalCalls += 1_000 },
            Step(name: "a provider's success") { _, snapshot, _, _ in snapshot.chains[0].providers[1].successRate = 0.5 },
            Step(name: "the chain's reporting nodes") { _, snapshot, _, _ in snapshot.chains[0].responding = 1 },
            Step(name: "a provider's latency history") { _, snapshot, _, _ in
                let key = ClusterSnapshot.historyKey(chain: snapshot.chains[0].chain, provider: snapshot.chains[0].providers[0].id)
                snapshot.latencyHistory[key] = (0..<60).map { Double(($0 * 7) % 50) }
            },
            Step(name: "another chain") { state, _, _, _ in state.chainIndex = 1 },
            Step(name: "back to the first chain") { state, _, _, _ in state.chainIndex = 0 },
            Step(name: "focus on providers") { state, _, _, _ in state.pages[state.pages.count - 1].focus = .providers },
            Step(name: "a provider selected") { state, _, _, _ in state.selection[.providers] = 2 },
            Step(name: "focus on nodes") { state, _, _, _ in state.pages[state.pages.count - 1].focus = .nodes },
            Step(name: "a node selected") { state, _, _, _ in state.selection[.nodes] = 1 },
            Step(name: "providers sorted") { state, _, _, _ in state.sort[.providers] = SortSpec(column: 3) },
            Step(name: "providers sorted the other way") { state, _, _, _ in state.sort[.providers] = SortSpec(column: 3, reversed: true) },
            Step(name: "nodes sorted") { state, _, _, _ in state.sort[.nodes] = SortSpec(column: 2) },
            Step(name: "providers filtered") { state, _, _, _ in state.filters[.providers] = "inf" },
            Step(name: "nodes filtered") { state, _, _, _ in state.filters[.nodes] = "fra" },
            Step(name: "nodes filtered to nothing") { state, _, _, _ in state.filters[.nodes] = "zzz" },
            Step(name: "filters cleared") { state, _, _, _ in state.filters = [:] },
            Step(name: "ASCII") { _, _, caps, _ in caps.unicode = false },
            Step(name: "monochrome") { _, _, caps, _ in caps.monochrome = true },
            Step(name: "wider") { _, _, _, size in size = GridSize(width: 160, height: 40) },
            Step(name: "a node added (the panels move)") { _, snapshot, _, _ in
                var extra = snapshot.nodes[0]
                extra.name = "sin-2"
                snapshot.nodes.append(extra)
            },
            Step(name: "help shown") { state, _, _, _ in state.helpShown = true },
            Step(name: "help hidden") { state, _, _, _ in state.helpShown = false },
        ]
    }

    func testEveryFrameEqualsTheFrameDrawnWithoutTheMemo() {
        var state = Fixtures.state()
        var snapshot = Fixtures.snapshot(.healthy)
        var caps = RenderCaps()
        var size = Self.size
        let memo = PanelMemo()
        var nowMs = Fixtures.nowMs
        for step in Self.steps {
            // Each change comes after a frame that put the panels in the memo and one that reused them.
            for _ in 0..<2 {
                let reused = memo.reused
                let cached = Renderer.render(state: state, snapshot: snapshot, size: size, caps: caps, nowMs: nowMs, memo: memo)
                let drawn = Renderer.render(state: state, snapshot: snapshot, size: size, caps: caps, nowMs: nowMs)
                XCTAssertEqual(cached, drawn, "before \(step.name)")
                XCTAssertEqual(cached.text, drawn.text, "before \(step.name)")
                nowMs += 1_000
                _ = reused
            }
            step.change(&state, &snapshot, &caps, &size)
            let cached = Renderer.render(state: state, snapshot: snapshot, size: size, caps: caps, nowMs: nowMs, memo: memo)
            let drawn = Renderer.render(state: state, snapshot: snapshot, size: size, caps: caps, nowMs: nowMs)
            XCTAssertEqual(cached.text, drawn.text, "after \(step.name)")
            XCTAssertEqual(cached.roleMap, drawn.roleMap, "after \(step.name)")
            XCTAssertEqual(cached, drawn, "after \(step.name)")
        }
    }

    /// An unchanged panel is copied, not drawn: the memo is used at all (an idle second reuses both panels), and a
    /// changed input draws again.
    func testUnchangedPanelsAreReusedAndChangedOnesDrawn() {
        let memo = PanelMemo()
        var snapshot = Fixtures.snapshot(.healthy)
        let state = Fixtures.state()
        _ = Renderer.render(state: state, snapshot: snapshot, size: Self.size, caps: RenderCaps(), nowMs: Fixtures.nowMs, memo: memo)
        XCTAssertEqual(memo.drawn, 2)
        XCTAssertEqual(memo.reused, 0)
        snapshot.feed.removeFirst()
        _ = Renderer.render(state: state, snapshot: snapshot, size: Self.size, caps: RenderCaps(), nowMs: Fixtures.nowMs + 1_000, memo: memo)
        XCTAssertEqual(memo.drawn, 2)
        XCTAssertEqual(memo.reused, 2)
        snapshot.nodes[0].latencyMs = (snapshot.nodes[0].latencyMs ?? 0) + 1
        _ = Renderer.render(state: state, snapshot: snapshot, size: Self.size, caps: RenderCaps(), nowMs: Fixtures.nowMs + 2_000, memo: memo)
        XCTAssertEqual(memo.drawn, 3, "the nodes panel is drawn again")
        XCTAssertEqual(memo.reused, 3, "the providers panel is copied")
    }

    /// Mouse hits come from what the frame drew: a copied panel brings its rows' regions along.
    func testACopiedPanelKeepsItsClickableRows() {
        let memo = PanelMemo()
        let snapshot = Fixtures.snapshot(.healthy)
        let state = Fixtures.state()
        for nowMs in [Fixtures.nowMs, Fixtures.nowMs + 1_000] {
            var p = Painter(size: Self.size, caps: RenderCaps())
            var v = ViewContext(state: state, snapshot: snapshot, caps: RenderCaps(), nowMs: nowMs, runtime: RuntimeInfo())
            v.memo = memo
            v.draw(&p, Self.size)
            var plain = Painter(size: Self.size, caps: RenderCaps())
            ViewContext(state: state, snapshot: snapshot, caps: RenderCaps(), nowMs: nowMs, runtime: RuntimeInfo()).draw(&plain, Self.size)
            XCTAssertEqual(p.hits.map(\.target), plain.hits.map(\.target))
            XCTAssertEqual(p.hits.map(\.rect), plain.hits.map(\.rect))
        }
        XCTAssertEqual(memo.reused, 2)
    }
}
