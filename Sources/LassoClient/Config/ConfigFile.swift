import Foundation
import TOMLKit

/// `$XDG_CONFIG_HOME/lassotop/config.toml` (default `~/.config/lassotop/config.toml`). Documented in docs/config.md.
public struct ConfigFile: Sendable, Equatable {
    public struct Cluster: Sendable, Equatable {
        public var nodes: [String] = []
        public var expect: Int?
        public var chains: [String] = []
        public var discover: String?
        public var headersFile: String?
    }

    public var theme: String?
    public var defaultCluster: String?
    public var healthIntervalSeconds: Double?
    public var metricsIntervalSeconds: Double?
    public var timeoutSeconds: Double?
    public var clusters: [String: Cluster] = [:]
    /// `[alerts]` overrides, e.g. `"coverage.for_seconds" = 60`.
    public var alertOverrides: [String: Double] = [:]

    public init() {}

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func configDirectory(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/lassotop" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/lassotop"
    }

    public static func stateDirectory(environment: [String: String]) -> String {
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty { return xdg + "/lassotop" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state/lassotop"
    }

    /// Loads the file when it exists; a missing file is an empty config, a broken one an error naming the line.
    public static func load(path: String) throws -> ConfigFile {
        guard FileManager.default.fileExists(atPath: path) else { return ConfigFile() }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw LoadError(description: "cannot read \(path)")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String = "config.toml") throws -> ConfigFile {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw LoadError(description: "\(path):\(error.source.begin.line): \(error.description)")
        }
        var config = ConfigFile()
        func number(_ value: TOMLValueConvertible?, _ key: String) throws -> Double? {
            guard let value else { return nil }
            if let d = value.double { return d }
            if let i = value.int { return Double(i) }
            throw LoadError(description: "\(path): '\(key)' must be a number")
        }
        func string(_ value: TOMLValueConvertible?, _ key: String) throws -> String? {
            guard let value else { return nil }
            guard let s = value.string else { throw LoadError(description: "\(path): '\(key)' must be a string") }
            return s
        }
        func strings(_ value: TOMLValueConvertible?, _ key: String) throws -> [String] {
            guard let value else { return [] }
            guard let array = value.array else { throw LoadError(description: "\(path): '\(key)' must be an array of strings") }
            return try array.map { element in
                guard let s = element.string else { throw LoadError(description: "\(path): '\(key)' must be an array of strings") }
                return s
            }
        }
        let known: Set<String> = ["theme", "default_cluster", "health_interval", "metrics_interval", "timeout", "clusters", "alerts"]
        for key in table.keys where !known.contains(key) {
            throw LoadError(description: "\(path): unknown key '\(key)'")
        }
        config.theme = try string(table["theme"], "theme")
        config.defaultCluster = try string(table["default_cluster"], "default_cluster")
        config.healthIntervalSeconds = try number(table["health_interval"], "health_interval")
        config.metricsIntervalSeconds = try number(table["metrics_interval"], "metrics_interval")
        config.timeoutSeconds = try number(table["timeout"], "timeout")
        if let clusters = table["clusters"]?.table {
            for name in clusters.keys {
                guard let entry = clusters[name]?.table else { throw LoadError(description: "\(path): [clusters.\(name)] must be a table") }
                var cluster = Cluster()
                cluster.nodes = try strings(entry["nodes"], "clusters.\(name).nodes")
                cluster.expect = try number(entry["expect"], "clusters.\(name).expect").map { Int($0) }
                cluster.chains = try strings(entry["chains"], "clusters.\(name).chains")
                cluster.discover = try string(entry["discover"], "clusters.\(name).discover")
                cluster.headersFile = try string(entry["headers_file"], "clusters.\(name).headers_file")
                config.clusters[name] = cluster
            }
        }
        if let alerts = table["alerts"]?.table {
            for key in alerts.keys {
                config.alertOverrides[key] = try number(alerts[key], "alerts.\(key)")
            }
        }
        return config
    }
}
