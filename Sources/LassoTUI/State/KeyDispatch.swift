/// Which binding a key means in a given state (the table itself is `Keymap.entries`, in Keys/).
extension Keymap {
    /// Contexts that apply in this state, most specific first.
    public static func activeContexts(_ state: UIState, isDemo: Bool) -> [KeyContext] {
        if state.commandEditing { return [.command] }
        if state.filterEditing { return [.filter] }
        if state.helpShown { return [.help] }
        var contexts: [KeyContext] = []
        // A replayed demo has no cluster to inject faults into: the replay keys take the demo's place.
        if state.replayMode { contexts.append(.replay) } else { contexts.append(.travel) }
        switch state.page {
        case .view(.demo) where isDemo && !state.replayMode, .node where isDemo && !state.replayMode: contexts.append(.demo)
        case .view(.feed), .view(.overview): contexts.append(.feed)
        default: break
        }
        contexts += [.navigation, .global]
        return contexts
    }

    /// The action for a key in this state, or nil when the key means nothing here.
    public static func action(for key: Key, state: UIState, isDemo: Bool) -> Action? {
        if case .resize = key { return nil }
        for context in activeContexts(state, isDemo: isDemo) {
            for binding in entries where binding.context == context {
                if binding.keys.contains(key) { return binding.action }
                if binding.keys.contains(.printable), case .char(let c) = key { return binding.action.typing(c) }
            }
        }
        return nil
    }
}
