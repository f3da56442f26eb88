import Foundation
import LassoTUI

/// Which theme the dashboard starts with, and remembering the one picked with `t` or `:theme`.
///
/// Order: `--theme`, then the remembered choice (`$XDG_STATE_HOME/lassotop/theme`, default
/// `~/.local/state/lassotop/theme`), then `theme` in the config file, then `light` when the terminal says its
/// background is light (`COLORFGBG`), else `default-dark`.
public enum ThemeChoice {
    public static func stateDirectory(environment: [String: String]) -> String {
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty { return xdg + "/lassotop" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state/lassotop"
    }

    public static func stateFile(environment: [String: String]) -> String { stateDirectory(environment: environment) + "/theme" }

    /// `COLORFGBG` ("fg;bg", some terminals "fg;default;bg"): true for a light background (white, light grey or a
    /// bright colour other than dark grey), false for a dark one, nil when unset or unreadable.
    public static func backgroundIsLight(colorfgbg: String?) -> Bool? {
        guard let value = colorfgbg, let last = value.split(separator: ";").last, let bg = Int(last), (0...255).contains(bg) else {
            return nil
        }
        return bg == 7 || (bg >= 9 && bg <= 15)
    }

    /// The remembered theme name, if the file holds one that still loads.
    public static func remembered(path: String, loader: ThemeLoader) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200, !name.contains("\n"), (try? loader.load(name)) != nil else { return nil }
        return name
    }

    /// The theme to start with (nil: the default). `flag` and `config` are the user's explicit choices.
    public static func initial(flag: String?, config: String?, environment: [String: String], loader: ThemeLoader) -> String? {
        if let flag { return flag }
        if let remembered = remembered(path: stateFile(environment: environment), loader: loader) { return remembered }
        if let config { return config }
        if backgroundIsLight(colorfgbg: environment["COLORFGBG"]) == true, (try? loader.load("light")) != nil { return "light" }
        return nil
    }

    /// Writes the chosen name: directory 0700, file 0600 (the state directory is the user's alone).
    public static func remember(_ name: String, path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data((name + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: reason])
        }
    }
}
