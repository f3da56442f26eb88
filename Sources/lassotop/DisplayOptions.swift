import ArgumentParser
import Foundation
import LassoClient
import LassoTUI
import LassoTerminal

/// The dashboard's display flags, shared by every command that opens it (`top`, `top --hub`, `replay`), and the one
/// place that turns them and the config file into `TUIOptions`: theme choice, colour, ASCII, mouse.
struct DisplayOptions: ParsableArguments {
    @Option(help: "Theme name (Themes/ or $XDG_CONFIG_HOME/lassotop/themes/) or path to a theme file.", completion: Completions.themes)
    var theme: String?

    @Flag(name: .customLong("no-color"), help: "Monochrome (also when NO_COLOR is set).")
    var noColor = false

    @Flag(help: "ASCII borders and sparklines (automatic when the locale is not UTF-8).")
    var ascii = false

    @Flag(name: .customLong("no-mouse"), help: "Leave mouse reporting off (also `mouse = false` in the config file).")
    var noMouse = false

    /// A theme that does not load is a usage error, found here before anything starts.
    func tuiOptions(file: ConfigFile, environment env: [String: String] = ProcessInfo.processInfo.environment) throws -> TUIOptions {
        let themeDirs = [ConfigFile.configDirectory(environment: env) + "/themes"]
        var options = TUIOptions(
            theme: ThemeChoice.initial(flag: theme, config: file.theme, environment: env,
                                       loader: ThemeLoader(searchDirectories: themeDirs)),
            noColor: Self.monochrome(flag: noColor, environment: env),
            ascii: ascii,
            themeSearchDirs: themeDirs,
            exportDirectory: FileManager.default.currentDirectoryPath)
        options.mouse = !noMouse && (file.mouse ?? true)
        options.themeStateFile = ThemeChoice.stateFile(environment: env)
        do { _ = try ThemeLoader(searchDirectories: themeDirs).load(options.theme ?? ThemeLoader.defaultName) } catch {
            throw ValidationError("\(error)")
        }
        return options
    }

    /// The one place that decides colour: --no-color, or NO_COLOR set to anything non-empty (no-color.org).
    static func monochrome(flag: Bool, environment: [String: String]) -> Bool {
        flag || !(environment["NO_COLOR"] ?? "").isEmpty
    }
}
