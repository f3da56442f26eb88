/// The `?` overlay's lines, generated from the keymap table.
public enum HelpContent {
    /// `isDemo` false leaves out the Demo view and the fault keys, which only work on the embedded demo cluster.
    public static func lines(isDemo: Bool = true) -> [(keys: String, text: String, isHeading: Bool)] {
        var out: [(String, String, Bool)] = []
        for context in KeyContext.allCases {
            if context == .demo && !isDemo { continue }
            let bindings = Keymap.entries.filter { $0.context == context && (isDemo || $0.action != .showView(.demo)) }
            guard !bindings.isEmpty else { continue }
            if !out.isEmpty { out.append(("", "", false)) }
            out.append((context.title, "", true))
            for binding in bindings { out.append((Keymap.keyLabel(binding), binding.description, false)) }
        }
        out.append(("", "", false))
        out.append(("Commands (type : first; Tab completes)", "", true))
        for command in Commands.entries {
            let names = ([":" + command.usage] + command.aliases.map { ":" + $0 }).joined(separator: " / ")
            out.append((names, command.description, false))
        }
        out.append(("", "", false))
        out.append(("Mouse", "", true))
        for item in Keymap.mouse { out.append((item.gesture, item.effect, false)) }
        return out.map { (keys: $0.0, text: $0.1, isHeading: $0.2) }
    }
}
