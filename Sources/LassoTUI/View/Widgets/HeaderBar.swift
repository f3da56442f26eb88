import LassoCore

/// Line 0: name, coverage, warnings and alert counts, clock. Segments are dropped by priority when the line is
/// too narrow; priority 0 never is.
enum HeaderBar {
    static func coverageRole(_ status: CoverageStatus) -> StyleRole {
        switch status {
        case .healthy: return .statusHealthy
        case .degraded: return .statusDegraded
        case .offline: return .statusOffline
        }
    }

    /// How far back time travel shows: `2m`, `2m04s`, `45s`.
    static func travelAge(_ ms: Int64) -> String {
        let seconds = Int((ms + 500) / 1000)
        if seconds < 60 { return "\(seconds)s" }
        return seconds % 60 == 0 ? "\(seconds / 60)m" : "\(seconds / 60)m" + Format.twoDigits(seconds % 60) + "s"
    }

    static func draw(_ p: inout Painter, width: Int, _ v: ViewContext) {
        struct Segment { var text: String; var role: StyleRole; var priority: Int; var attributes: TextAttributes = [] }
        let snapshot = v.snapshot
        let coverage = snapshot.coverage
        var segments: [Segment] = [Segment(text: "lassotop", role: .title, priority: 0, attributes: [.bold])]
        // What is on screen is not the cluster now (REPLAY) or is being written to a file (REC): never dropped.
        if v.runtime.replay != nil { segments.append(Segment(text: "REPLAY", role: .banner, priority: 0, attributes: [.bold])) }
        if v.runtime.recording { segments.append(Segment(text: "REC", role: .alertCritical, priority: 0, attributes: [.bold])) }
        if let offset = v.runtime.travelOffsetMs, offset > 0 {
            segments.append(Segment(text: "-" + travelAge(offset), role: .banner, priority: 0, attributes: [.bold]))
        }
        if snapshot.isDemo {
            segments.append(Segment(text: "DEMO", role: .alertWarning, priority: 1, attributes: [.bold]))
        } else if let name = snapshot.clusterName {
            segments.append(Segment(text: Sanitizer.clean(name), role: .text, priority: 3))
        }
        if let source = v.runtime.source { segments.append(Segment(text: Sanitizer.clean(source), role: .textDim, priority: 1)) }
        segments.append(Segment(text: "Coverage: \(coverage.responding)/\(coverage.total) nodes", role: coverageRole(coverage.status),
                                priority: 0, attributes: [.bold]))
        if snapshot.updating { segments.append(Segment(text: v.caps.unicode ? "(updating…)" : "(updating...)", role: .textDim, priority: 2)) }
        if coverage.total > 0 && !coverage.quorum {
            segments.append(Segment(text: "NO QUORUM", role: .alertCritical, priority: 1, attributes: [.bold]))
        }
        let verdicts = ClusterVerdicts.judge(snapshot.nodes)
        if verdicts.notFormed {
            segments.append(Segment(text: "CLUSTER NOT FORMED", role: .alertCritical, priority: 1, attributes: [.bold]))
        }
        if coverage.partitionSuspected {
            segments.append(Segment(text: "PARTITION SUSPECTED", role: .alertCritical, priority: 1, attributes: [.bold]))
        }
        if let versions = verdicts.versionSummary {
            // A rolling deploy in progress: "versions 0.2.0×2 0.3.0×1".
            let text = Sanitizer.clean(versions)
            segments.append(Segment(text: v.caps.unicode ? text : text.replacingOccurrences(of: "×", with: "x"),
                                    role: .alertWarning, priority: 3))
        }
        let firing = snapshot.alerts.filter { $0.state == .firing }
        let critical = firing.filter { $0.level == .critical }.count
        let warning = firing.count - critical
        if critical > 0 { segments.append(Segment(text: "\(critical) critical", role: .alertCritical, priority: 1, attributes: [.bold])) }
        if warning > 0 { segments.append(Segment(text: "\(warning) warning", role: .alertWarning, priority: 2)) }
        if critical == 0 && warning == 0 { segments.append(Segment(text: "no alerts", role: .textDim, priority: 4)) }
        if v.runtime.travelOffsetMs == 0 { segments.append(Segment(text: "LIVE", role: .statusHealthy, priority: 4)) }
        if snapshot.insecure { segments.append(Segment(text: "TLS UNVERIFIED", role: .alertWarning, priority: 0, attributes: [.bold])) }   // a security warning is never dropped

        let clock = Format.clock(v.nowMs, offsetSeconds: v.caps.utcOffsetSeconds)
        let available = width - CellWidth.of(clock) - 1
        var chosen = segments
        func used(_ list: [Segment]) -> Int { list.reduce(0) { $0 + CellWidth.of($1.text) } + 2 * max(0, list.count - 1) }
        while used(chosen) > available, let drop = chosen.indices.max(by: { (chosen[$0].priority, $0) < (chosen[$1].priority, $1) }),
              chosen[drop].priority > 0 {
            chosen.remove(at: drop)
        }
        var x = 0
        for segment in chosen {
            x += p.text(segment.text, x: x, y: 0, width: max(0, available - x), role: segment.role, attributes: segment.attributes, clean: false)
            x += 2
        }
        p.text(clock, x: width - CellWidth.of(clock), y: 0, role: .textDim, clean: false)
    }
}

/// Line 1: the top-level views (or the breadcrumb of drill-downs) and the chain selector.
enum NavigationBar {
    static func draw(_ p: inout Painter, width: Int, _ v: ViewContext) {
        let state = v.state
        let snapshot = v.snapshot
        // Right: chain selector.
        var right = ""
        if let chain = Rows.chain(state, snapshot) {
            let index = snapshot.chains.firstIndex { $0.chain == chain.chain } ?? 0
            right = "chain: \(Sanitizer.clean(chain.chain)) (\(index + 1)/\(snapshot.chains.count), \(Keymap.hint(.nextChain)))"
        } else {
            right = "chain: \(v.dash)"
        }
        let rightWidth = CellWidth.of(right)
        let leftLimit = width - rightWidth - 2
        var x = 0
        if state.pages.count > 1 {
            let separator = v.caps.unicode ? " › " : " > "
            let crumbs = state.pages.map { crumb($0.page, v) }
            for (i, part) in crumbs.enumerated() {
                if i > 0 { x += p.text(separator, x: x, y: 1, width: max(0, leftLimit - x), role: .textDim, clean: false) }
                x += p.text(part, x: x, y: 1, width: max(0, leftLimit - x), role: i == crumbs.count - 1 ? .title : .text,
                            attributes: i == crumbs.count - 1 ? [.bold] : [])
            }
        } else {
            for view in TopView.allCases where view != .demo || snapshot.isDemo {
                let label = "\(view.rawValue) \(view.title)"
                let current = view == state.topView
                p.hits.append(HitRegion(rect: Rect(x: x, y: 1, width: CellWidth.of(label), height: 1), target: .tab(view)))
                x += p.text(label, x: x, y: 1, width: max(0, leftLimit - x), role: current ? .tableSelected : .keyHint,
                            attributes: current ? [.bold] : [], clean: false)
                x += 1
            }
        }
        p.text(right, x: width - rightWidth, y: 1, role: .textDim)
    }

    static func crumb(_ page: Page, _ v: ViewContext) -> String {
        switch page {
        case .view(let view): return view.title
        case .provider(let chain, let id):
            let name = Rows.provider(v.snapshot, chain: chain, id: id)?.displayName ?? id
            return "Provider \(name) (\(chain))"
        case .node(let name): return "Node \(name)"
        }
    }
}
