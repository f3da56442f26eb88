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

    /// Writes the chosen name: directory 0700 (an existing one of ours narrowed to it), file 0600. The temporary file
    /// is created exclusively and never through a symlink, so a link planted at its predictable name is refused.
    public static func remember(_ name: String, path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        var info = stat()
        if lstat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == getuid(), info.st_mode & 0o077 != 0 {
            chmod(directory, 0o700)
        }
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
        }
        let bytes = Array((name + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: reason])
        }
    }
}
