import LassoCore

/// What a `:` command's argument completes from (the reducer knows the values: nodes, providers, chains, themes,
/// the focused pane's sort columns).
public enum CommandArgument: String, Sendable {
    case none, node, provider, chain, theme, sortColumn, text
}

/// One `:` command. The table drives parsing, Tab completion, the `?` overlay, docs/keys.md and the README.
public struct CommandSpec: Sendable {
    public var name: String
    /// Other names that run it (`:q` for `:quit`).
    public var aliases: [String]
    public var argument: CommandArgument
    /// How the argument is shown in help, e.g. "NAME".
    public var placeholder: String
    public var description: String

    public init(_ name: String, aliases: [String] = [], _ argument: CommandArgument, _ placeholder: String, _ description: String) {
        self.name = name
        self.aliases = aliases
        self.argument = argument
        self.placeholder = placeholder
        self.description = description
    }

    /// "node NAME", as the help shows it.
    public var usage: String { placeholder.isEmpty ? name : name + " " + placeholder }
}

public enum Commands {
    public static let entries: [CommandSpec] = [
        CommandSpec("node", .node, "NAME", "Open a node's detail page"),
        CommandSpec("provider", .provider, "ID|NAME", "Open a provider (this chain first, then any chain)"),
        CommandSpec("chain", .chain, "NAME", "Show a chain in the providers table"),
        CommandSpec("theme", .theme, "NAME", "Switch theme"),
        CommandSpec("sort", .sortColumn, "COLUMN", "Sort the focused table by a column (again: reverse)"),
        CommandSpec("filter", .text, "TEXT", "Filter the focused table (empty: clear), as /"),
        CommandSpec("export", .none, "", "Export the current view (CSV or JSON file)"),
        CommandSpec("help", .none, "", "Show the help overlay"),
        CommandSpec("quit", aliases: ["q"], .none, "", "Quit"),
    ]

    /// The command called `word` (exact name or alias), if any.
    public static func named(_ word: String) -> CommandSpec? {
        let lower = word.lowercased()
        return entries.first { $0.name == lower || $0.aliases.contains(lower) }
    }

    /// Splits "provider  infura x" into ("provider", "infura x").
    public static func split(_ text: String) -> (name: String, argument: String) {
        let trimmed = text.drop { $0 == " " }
        guard let space = trimmed.firstIndex(of: " ") else { return (String(trimmed), "") }
        return (String(trimmed[..<space]), String(trimmed[trimmed.index(after: space)...].drop { $0 == " " }))
    }

    /// The longest prefix every candidate shares (case-insensitively; the first candidate's spelling).
    static func commonPrefix(_ candidates: [String]) -> String {
        guard var prefix = candidates.first else { return "" }
        for candidate in candidates.dropFirst() {
            while !candidate.lowercased().hasPrefix(prefix.lowercased()) { prefix.removeLast() }
        }
        return prefix
    }

    /// Tab: completes the command name, then its argument from `values`. Returns the new text and, when several
    /// candidates remain, their list for the status line.
    public static func complete(_ text: String, values: (CommandArgument) -> [String]) -> (text: String, candidates: [String]) {
        let (name, argument) = split(text)
        if !text.contains(" ") {
            let names = entries.map(\.name).filter { $0.hasPrefix(name.lowercased()) }
            if names.count == 1 { return (names[0] + (named(names[0])?.argument == CommandArgument.none ? "" : " "), []) }
            return (names.isEmpty ? text : commonPrefix(names), names)
        }
        guard let command = named(name) else { return (text, []) }
        let pool = values(command.argument)
        let matches = pool.filter { $0.lowercased().hasPrefix(argument.lowercased()) }
        if matches.count == 1 { return (command.name + " " + matches[0], []) }
        guard !matches.isEmpty else { return (text, []) }
        let prefix = commonPrefix(matches)
        return (command.name + " " + (prefix.count > argument.count ? prefix : argument), matches)
    }
}
