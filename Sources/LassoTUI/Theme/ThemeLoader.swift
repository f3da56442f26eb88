import Foundation

/// Finds and loads themes: by path, or by name from (in order) the user's directories (`themeSearchDirs`, e.g.
/// `$XDG_CONFIG_HOME/lassotop/themes`), then the shipped `Themes/` found next to the executable
/// (`../share/lassotop/Themes`, `Themes`) or in the source tree, then the built-in default.
public struct ThemeLoader: Sendable {
    public var searchDirectories: [String]

    public init(searchDirectories: [String], executablePath: String? = CommandLine.arguments.first) {
        var dirs = searchDirectories
        if let executablePath {
            let bin = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
            dirs.append(bin.appendingPathComponent("../share/lassotop/Themes").standardized.path)
            dirs.append(bin.appendingPathComponent("Themes").path)
            // .build/<triple>/debug/lassotop → repository root/Themes
            dirs.append(bin.appendingPathComponent("../../../Themes").standardized.path)
            dirs.append(bin.appendingPathComponent("../../Themes").standardized.path)
        }
        dirs.append(Self.sourceTreeThemes)
        var seen = Set<String>()
        self.searchDirectories = dirs.filter { seen.insert($0).inserted }
    }

    /// Themes/ of this checkout (for `swift run` and tests).
    public static let sourceTreeThemes: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Themes").path

    public static let defaultName = "default-dark"

    /// Theme names available, the default first, then alphabetical (what `t` cycles through).
    public func availableNames() -> [String] {
        var names = Set<String>([Self.defaultName])
        for dir in searchDirectories {
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for file in files where file.hasSuffix(".toml") { names.insert(String(file.dropLast(5))) }
        }
        return [Self.defaultName] + names.subtracting([Self.defaultName]).sorted()
    }

    /// A name (looked up in the directories) or a path (contains `/` or ends in `.toml`).
    public func load(_ nameOrPath: String) throws -> Theme {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") {
            return try loadFile(nameOrPath)
        }
        for dir in searchDirectories {
            let path = (dir as NSString).appendingPathComponent(nameOrPath + ".toml")
            if FileManager.default.fileExists(atPath: path) { return try loadFile(path) }
        }
        if nameOrPath == Self.defaultName { return try ThemeParser.parse(Self.builtInDefault, file: "built-in default-dark") }
        throw ThemeError(file: nameOrPath, line: nil,
                         message: "not found (looked in \(searchDirectories.joined(separator: ", ")); available: \(availableNames().joined(separator: ", ")))")
    }

    func loadFile(_ path: String) throws -> Theme {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(file: path, line: nil, message: "cannot read the file")
        }
        var theme = try ThemeParser.parse(text, file: path)
        if theme.name.isEmpty { theme.name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension }
        return theme
    }

    /// Used when no Themes/ directory can be found (a copied binary): the same as Themes/default-dark.toml.
    static let builtInDefault = """
    name = "default-dark"
    text = "default"
    "text.dim" = "bright-black"
    title = "bright-cyan bold"
    border = "bright-black"
    "border.focus" = "cyan bold"
    "table.header" = "bright-white bold"
    "table.selected" = "black on cyan"
    "status.healthy" = "green bold"
    "status.degraded" = "yellow bold"
    "status.offline" = "bright-red bold"
    "feed.error" = "red"
    "feed.info" = "blue"
    sparkline = "cyan"
    banner = "black on yellow bold"
    "alert.warning" = "yellow"
    "alert.critical" = "bright-red bold"
    "key.hint" = "cyan"
    """
}
