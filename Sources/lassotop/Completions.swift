import ArgumentParser
import Foundation
import LassoClient
import LassoTUI

/// Shell completion values (`lassotop --generate-completion-script bash|zsh|fish`): theme names and the config
/// file's cluster names, read when the shell asks.
enum Completions {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    static let themes = CompletionKind.custom { _, _, _ in
        ThemeLoader(searchDirectories: [ConfigFile.configDirectory(environment: environment) + "/themes"]).availableNames()
    }

    /// Clusters of the config file named after `--config` on the line, else the default file.
    static let clusters = CompletionKind.custom { words, _, _ in
        let path = words.firstIndex(of: "--config").flatMap { words.indices.contains($0 + 1) ? words[$0 + 1] : nil }
            ?? ConfigFile.configDirectory(environment: environment) + "/config.toml"
        return ((try? ConfigFile.load(path: path))?.clusters.keys).map { Array($0).sorted() } ?? []
    }
}
