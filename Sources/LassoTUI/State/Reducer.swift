import LassoCore

/// reduce(state, action, snapshot) → (state, effects). Pure: no clock, no I/O, no terminal.
public enum Reducer {
    public static let intervalStepMs: Int64 = 500

    public static func reduce(_ state: UIState, _ action: Action, _ snapshot: ClusterSnapshot) -> (UIState, [Effect]) {
        var s = state
        s.statusMessage = nil
        var effects: [Effect] = []
        let pane = s.focusedPane

        switch action {
        case .quit:
            effects.append(.quit)
        case .toggleHelp:
            s.helpShown.toggle()
            s.scroll[.help] = 0
        case .moveUp:
            move(&s, pane, snapshot, by: -1)
        case .moveDown:
            move(&s, pane, snapshot, by: 1)
        case .pageUp:
            move(&s, pane, snapshot, by: -s.pageStep)
        case .pageDown:
            move(&s, pane, snapshot, by: s.pageStep)
        case .moveTop:
            if pane == .feed { s.follow = false }
            s.selection[pane] = 0
        case .moveBottom:
            s.selection[pane] = max(0, Rows.count(pane, s, snapshot) - 1)
            if pane == .feed { s.follow = true }
        case .focusNext, .focusPrevious:
            let panes = s.page.panes
            if let index = panes.firstIndex(of: s.pages[s.pages.count - 1].focus) {
                let step = action == .focusNext ? 1 : panes.count - 1
                s.pages[s.pages.count - 1].focus = panes[(index + step) % panes.count]
            }
        case .nextView, .previousView:
            // The Demo view exists only with the embedded demo cluster.
            let all = TopView.allCases.filter { snapshot.isDemo || $0 != .demo }
            let index = all.firstIndex(of: s.topView) ?? 0
            let step = action == .nextView ? 1 : all.count - 1
            s.pages = [PageEntry(page: .view(all[(index + step) % all.count]))]
        case .showView(let view):
            if view == .demo && !snapshot.isDemo {
                s.statusMessage = "no demo cluster here (lassotop with no node configured starts one)"
            } else {
                s.pages = [PageEntry(page: .view(view))]
            }
        case .drillIn:
            drillIn(&s, pane, snapshot)
        case .back:
            if s.travelBackMs > 0 {
                s.travelBackMs = 0   // looking back in time: Esc returns to live first
            } else if s.pages.count > 1 {
                s.pages.removeLast()
            } else if s.filters[pane] != nil {
                s.filters[pane] = nil
            } else {
                for target in s.page.panes { s.filters[target] = nil }
            }
        case .startFilter:
            if Rows.isFilterable(pane) {
                s.filterPane = pane
                s.filterEditing = true
            }
        case .filterInput(let character):
            // A paste arrives key by key and each key re-filters the pane: past the cap the rest is ignored.
            guard s.filterText.count < UIState.maxInputLength else { break }
            let selected = Rows.selectedID(s.filterPane, s, snapshot)
            s.filterText.append(character)
            Rows.reselect(s.filterPane, &s, snapshot, id: selected)
        case .filterBackspace:
            let selected = Rows.selectedID(s.filterPane, s, snapshot)
            if !s.filterText.isEmpty { s.filterText.removeLast() }
            Rows.reselect(s.filterPane, &s, snapshot, id: selected)
        case .filterApply:
            s.filterEditing = false
        case .filterCancel:
            s.filterEditing = false
            s.filterText = ""
        case .nextSortColumn:
            let ranks = SortColumns.drawnRanks(pane, s.page)
            if !ranks.isEmpty {
                var spec = s.sortSpec(pane)
                spec.column = ranks.first { $0 > spec.column } ?? ranks[0]
                spec.reversed = false
                sort(&s, pane, snapshot, spec)
            }
        case .reverseSort:
            let columns = SortColumns.columns(pane)
            if !columns.isEmpty {
                var spec = s.sortSpec(pane)
                spec.reversed.toggle()
                sort(&s, pane, snapshot, spec)
            }
        case .startCommand:
            s.commandEditing = true
            s.commandText = ""
            s.commandHistoryIndex = nil
            s.commandHint = nil
        case .commandInput(let character):
            guard s.commandText.count < UIState.maxInputLength else { break }
            s.commandText.append(character)
            s.commandHint = nil
        case .commandBackspace:
            if !s.commandText.isEmpty { s.commandText.removeLast() }
            s.commandHint = nil
        case .commandComplete:
            let done = Commands.complete(s.commandText) { completions($0, s, snapshot) }
            s.commandText = done.text
            s.commandHint = done.candidates.count > 1 ? done.candidates.prefix(12).joined(separator: " ") : nil
        case .commandHistoryPrevious, .commandHistoryNext:
            guard !s.commandHistory.isEmpty else { break }
            let last = s.commandHistory.count - 1
            var index = s.commandHistoryIndex ?? s.commandHistory.count
            index += action == .commandHistoryPrevious ? -1 : 1
            if index > last {
                s.commandHistoryIndex = nil
                s.commandText = ""
            } else {
                s.commandHistoryIndex = max(0, index)
                s.commandText = s.commandHistory[max(0, index)]
            }
        case .commandRun:
            s.commandEditing = false
            s.commandHint = nil
            let line = s.commandText.trimmingCharacters(in: .whitespaces)
            s.commandText = ""
            s.commandHistoryIndex = nil
            guard !line.isEmpty else { break }
            if s.commandHistory.last != line { s.commandHistory.append(line) }
            if s.commandHistory.count > 100 { s.commandHistory.removeFirst(s.commandHistory.count - 100) }
            effects += runCommand(&s, line, snapshot)
        case .commandCancel:
            s.commandEditing = false
            s.commandText = ""
            s.commandHint = nil
            s.commandHistoryIndex = nil
        case .nextChain:
            if !snapshot.chains.isEmpty {
                s.chainIndex = (min(s.chainIndex, snapshot.chains.count - 1) + 1) % snapshot.chains.count
                s.selection[.providers] = 0
            }
        case .togglePause:
            if s.paused {
                s.paused = false
                s.frozenFeed = []
            } else {
                s.paused = true
                s.frozenFeed = snapshot.feed
                s.pausedAtUniqueCount = snapshot.feedStats.unique
            }
        case .toggleFollow:
            s.follow.toggle()
            if !s.follow { s.selection[.feed] = max(0, Rows.count(.feed, s, snapshot) - 1) }
        case .refreshNow:
            effects.append(.refreshNow)
            s.statusMessage = "refreshing…"
        case .intervalUp:
            effects.append(.changeInterval(byMs: intervalStepMs))
        case .intervalDown:
            effects.append(.changeInterval(byMs: -intervalStepMs))
        case .nextTheme:
            effects.append(.nextTheme)
        case .export:
            effects.append(.export(ExportRequest(page: s.page, pane: s.pages[s.pages.count - 1].focus)))
        case .replay(let control):
            effects.append(.replay(control))
        case .travelBack:
            s.travelBackMs = min(UIState.travelLimitMs, s.travelBackMs + UIState.travelStepMs)
        case .travelForward:
            s.travelBackMs = max(0, s.travelBackMs - UIState.travelStepMs)
        case .redraw:
            effects.append(.redraw)
        case .injectFault(let mode):
            if snapshot.isDemo, let node = faultTarget(s, snapshot) {
                effects.append(.injectFault(node: node, mode: mode))
                s.statusMessage = "demo: \(mode) → \(node)"
            }
        case .select(let target, let row):
            if s.page.panes.contains(target) {
                s.pages[s.pages.count - 1].focus = target
                s.selection[target] = max(0, min(row, Rows.count(target, s, snapshot) - 1))
                if target == .feed { s.follow = false }
            }
        case .resize(let width, let height):
            s.screenWidth = width
            s.screenHeight = height
        }
        return (s, effects)
    }

    /// Applies a sort to a pane; the cursor stays on the item it was on.
    static func sort(_ s: inout UIState, _ pane: Pane, _ snapshot: ClusterSnapshot, _ spec: SortSpec) {
        let columns = SortColumns.columns(pane)
        let selected = Rows.selectedID(pane, s, snapshot)
        s.sort[pane] = spec
        Rows.reselect(pane, &s, snapshot, id: selected)
        if spec.column < columns.count { s.statusMessage = "sorted by \(columns[spec.column])\(spec.reversed ? " (reversed)" : "")" }
    }

    /// What Tab offers for a command argument in this state.
    static func completions(_ argument: CommandArgument, _ s: UIState, _ snapshot: ClusterSnapshot) -> [String] {
        switch argument {
        case .none, .text: return []
        case .node: return snapshot.nodes.map(\.name).sorted()
        case .provider:
            var names: [String] = []
            let chains = (Rows.chain(s, snapshot).map { [$0] } ?? []) + snapshot.chains
            for chain in chains {
                for provider in chain.providers where !names.contains(provider.id) { names.append(provider.id) }
            }
            return names
        case .chain: return snapshot.chains.map(\.chain)
        case .theme: return s.themeNames.isEmpty ? [s.themeName] : s.themeNames
        case .sortColumn: return SortColumns.drawnNames(s.pages[s.pages.count - 1].focus, s.page)
        }
    }

    /// Runs one `:` command line; problems go to the status line.
    static func runCommand(_ s: inout UIState, _ line: String, _ snapshot: ClusterSnapshot) -> [Effect] {
        let (word, argument) = Commands.split(line)
        guard let command = Commands.named(word) else {
            s.statusMessage = "unknown command :\(word) (Tab completes, :help lists commands)"
            return []
        }
        if command.argument != .none, command.argument != .text, argument.isEmpty {
            s.statusMessage = ":\(command.usage) needs \(command.placeholder)"
            return []
        }
        let pane = s.pages[s.pages.count - 1].focus
        /// Exact match first (any case), then the only value starting with it.
        func pick(_ values: [String]) -> String? {
            let lower = argument.lowercased()
            if let exact = values.first(where: { $0.lowercased() == lower }) { return exact }
            let prefixed = values.filter { $0.lowercased().hasPrefix(lower) }
            return prefixed.count == 1 ? prefixed[0] : nil
        }
        func push(_ page: Page) {
            for target in page.panes { s.selection[target] = 0 }
            s.helpShown = false
            s.pages.append(PageEntry(page: page))
        }
        switch command.name {
        case "node":
            guard let name = pick(snapshot.nodes.map(\.name)) else {
                s.statusMessage = "no node \(argument)"
                return []
            }
            push(.node(name: name))
        case "provider":
            let chains = (Rows.chain(s, snapshot).map { [$0] } ?? []) + snapshot.chains
            let lower = argument.lowercased()
            var found: (String, String)?
            for chain in chains where found == nil {
                if let p = chain.providers.first(where: { $0.id.lowercased() == lower || $0.displayName.lowercased() == lower }) {
                    found = (chain.chain, p.id)
                }
            }
            // Then the one provider whose id or name starts with it: on this chain first, then on all of them.
            for scope in [Array(chains.prefix(1)), chains] where found == nil {
                let prefixed = scope.flatMap { chain in
                    chain.providers.filter { $0.id.lowercased().hasPrefix(lower) || $0.displayName.lowercased().hasPrefix(lower) }
                        .map { (chain.chain, $0.id) }
                }
                if let first = prefixed.first, prefixed.allSatisfy({ $0.1 == first.1 }) { found = first }
            }
            guard let (chain, id) = found else {
                s.statusMessage = "no provider \(argument) on any chain"
                return []
            }
            push(.provider(chain: chain, id: id))
        case "chain":
            guard let name = pick(snapshot.chains.map(\.chain)), let index = snapshot.chains.firstIndex(where: { $0.chain == name }) else {
                s.statusMessage = "no chain \(argument) (chains: \(snapshot.chains.map(\.chain).joined(separator: " ")))"
                return []
            }
            s.chainIndex = index
            s.selection[.providers] = 0
            s.statusMessage = "chain: \(name)"
        case "theme":
            let names = s.themeNames.isEmpty ? [argument] : s.themeNames
            return [.setTheme(pick(names) ?? argument)]
        case "sort":
            let names = SortColumns.drawnNames(pane, s.page)
            guard !names.isEmpty else {
                s.statusMessage = "this table does not sort"
                return []
            }
            guard let name = pick(names), let index = SortColumns.columns(pane).firstIndex(of: name) else {
                s.statusMessage = "no column \(argument) (columns: \(names.joined(separator: " ")))"
                return []
            }
            var spec = s.sortSpec(pane)
            spec.reversed = spec.column == index ? !spec.reversed : false
            spec.column = index
            sort(&s, pane, snapshot, spec)
        case "filter":
            guard Rows.isFilterable(pane) else { return [] }
            let selected = Rows.selectedID(pane, s, snapshot)
            s.filters[pane] = argument.isEmpty ? nil : argument
            Rows.reselect(pane, &s, snapshot, id: selected)
        case "export":
            return [.export(ExportRequest(page: s.page, pane: pane))]
        case "help":
            s.helpShown = true
            s.scroll[.help] = 0
        case "quit":
            return [.quit]
        default:
            s.statusMessage = "unknown command :\(word)"
        }
        return []
    }

    /// The node a demo fault key acts on: the node page's node, or the selected row of the demo panel.
    static func faultTarget(_ state: UIState, _ snapshot: ClusterSnapshot) -> String? {
        switch state.page {
        case .node(let name): return name
        case .view(.demo):
            let rows = Rows.nodes(state, snapshot, pane: .demoNodes)
            guard !rows.isEmpty else { return nil }
            return rows[Rows.clampedSelection(.demoNodes, state, snapshot)].name
        default: return nil
        }
    }

    static func move(_ s: inout UIState, _ pane: Pane, _ snapshot: ClusterSnapshot, by delta: Int) {
        let count = Rows.count(pane, s, snapshot)
        if pane == .help {
            let visible = max(1, s.screenHeight - 6)
            s.scroll[.help] = min(max(0, (s.scroll[.help] ?? 0) + delta), max(0, count - visible))
            return
        }
        guard count > 0 else { return }
        let current = Rows.clampedSelection(pane, s, snapshot)
        let next = min(max(0, current + delta), count - 1)
        s.selection[pane] = next
        if pane == .feed { s.follow = next == count - 1 && delta > 0 }
    }

    static func drillIn(_ s: inout UIState, _ pane: Pane, _ snapshot: ClusterSnapshot) {
        let index = Rows.clampedSelection(pane, s, snapshot)
        func push(_ page: Page) {
            for target in page.panes { s.selection[target] = 0 }
            s.pages.append(PageEntry(page: page))
        }
        switch (pane, s.page) {
        case (.nodes, _), (.opsNodes, _), (.demoNodes, _):
            let rows = Rows.nodes(s, snapshot, pane: pane)
            if index < rows.count { push(.node(name: rows[index].name)) }
        case (.providers, _):
            let rows = Rows.providers(s, snapshot)
            if index < rows.count, let chain = Rows.chain(s, snapshot) { push(.provider(chain: chain.chain, id: rows[index].id)) }
        case (.feed, _):
            let rows = Rows.feed(s, snapshot)
            if index < rows.count, let id = rows[index].providerID {
                let chain = rows[index].chain ?? Rows.chain(s, snapshot)?.chain ?? ""
                if Rows.provider(snapshot, chain: chain, id: id) != nil { push(.provider(chain: chain, id: id)) }
            }
        case (.providerNodes, .provider(let chain, let id)):
            let rows = Rows.providerNodes(s, snapshot, chain: chain, id: id)
            if index < rows.count { push(.node(name: rows[index].node)) }
        case (.providerMethods, .provider(let chain, let id)):
            let rows = Rows.providerMethods(s, snapshot, chain: chain, id: id)
            if index < rows.count {
                let method = rows[index].method
                if s.expandedMethods.contains(method) { s.expandedMethods.remove(method) } else { s.expandedMethods.insert(method) }
            }
        case (.nodeProviders, .node(let name)):
            let rows = Rows.nodeProviders(s, snapshot, node: name)
            if index < rows.count { push(.provider(chain: rows[index].chain, id: rows[index].providerID)) }
        case (.alerts, _):
            let rows = Rows.alerts(s, snapshot)
            if index < rows.count, let subject = rows[index].subject, snapshot.nodes.contains(where: { $0.name == subject }) {
                push(.node(name: subject))
            }
        default:
            break
        }
    }
}
