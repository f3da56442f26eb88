/// The `?` overlay's lines, generated from the keymap table.
public enum HelpContent {
    public static func lines() -> [(keys: String, text: String, isHeading: Bool)] {
        var out: [(String, String, Bool)] = []
        for context in KeyContext.allCases {
            let bindings = Keymap.entries.filter { $0.context == context }
            guard !bindings.isEmpty else { continue }
            if !out.isEmpty { out.append(("", "", false)) }
            out.append((context.title, "", true))
            for binding in bindings { out.append((Keymap.keyLabel(binding), binding.description, false)) }
        }
        return out.map { (keys: $0.0, text: $0.1, isHeading: $0.2) }
    }
}
