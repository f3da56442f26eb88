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
    /// `mouse = false`: the dashboard leaves mouse reporting off (as --no-mouse).
    public var mouse: Bool?
    public var defaultCluster: String?
    public var healthIntervalSeconds: Double?
    public var metricsIntervalSeconds: Double?
    /// `refresh = 2`: as `--refresh`.
    public var refreshSeconds: Double?
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
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        /// `path:LINE` of `key` (dotted: `clusters.prod.expect`), so a bad value's error points at it.
        func place(_ key: String) -> String {
            let parts = key.split(separator: ".").map(String.init)
            guard let leaf = parts.last else { return path }
            let section = parts.dropLast().joined(separator: ".")
            var inSection = section.isEmpty
            for (index, raw) in lines.enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("[") {
                    let name = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                    inSection = name == section
                    continue
                }
                guard inSection else { continue }
                for spelled in [leaf, "\"\(leaf)\""] where line.hasPrefix(spelled) {
                    if line.dropFirst(spelled.count).trimmingCharacters(in: .whitespaces).hasPrefix("=") {
                        return "\(path):\(index + 1)"
                    }
                }
            }
            return path
        }
        func number(_ value: TOMLValueConvertible?, _ key: String) throws -> Double? {
            guard let value else { return nil }
            let number: Double
            if let d = value.double { number = d } else if let i = value.int { number = Double(i) } else {
                throw LoadError(description: "\(place(key)): '\(key)' must be a number")
            }
            // TOML allows nan and inf; no setting means either.
            guard number.isFinite else { throw LoadError(description: "\(place(key)): '\(key)' must be a finite number") }
            return number
        }
        func seconds(_ value: TOMLValueConvertible?, _ key: String, _ range: ClosedRange<Int64>) throws -> Double? {
            guard let number = try number(value, key) else { return nil }
            guard number * 1000 >= Double(range.lowerBound), number * 1000 <= Double(range.upperBound) else {
                throw LoadError(description: "\(place(key)): '\(key)' must be between \(MonitorConfig.secondsText(range.lowerBound)) and \(MonitorConfig.secondsText(range.upperBound)) seconds")
            }
            return number
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
        let known: Set<String> = ["theme", "mouse", "default_cluster", "health_interval", "metrics_interval", "refresh", "timeout", "clusters", "alerts"]
        for key in table.keys.sorted() where !known.contains(key) {
            throw LoadError(description: "\(place(key)): unknown key '\(key)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        config.theme = try string(table["theme"], "theme")
        if let mouse = table["mouse"] {
            guard let flag = mouse.bool else { throw LoadError(description: "\(path): 'mouse' must be true or false") }
            config.mouse = flag
        }
        config.defaultCluster = try string(table["default_cluster"], "default_cluster")
        config.healthIntervalSeconds = try seconds(table["health_interval"], "health_interval", MonitorConfig.healthIntervalRange)
        config.metricsIntervalSeconds = try seconds(table["metrics_interval"], "metrics_interval", MonitorConfig.metricsIntervalRange)
        config.refreshSeconds = try seconds(table["refresh"], "refresh", MonitorConfig.refreshRange)
        config.timeoutSeconds = try seconds(table["timeout"], "timeout", 1...MonitorConfig.maxTimeoutMs)
        if let clusters = table["clusters"]?.table {
            for name in clusters.keys {
                guard let entry = clusters[name]?.table else { throw LoadError(description: "\(path): [clusters.\(name)] must be a table") }
                // A typo (`expct = 3`) must not be silently ignored.
                let clusterKeys: Set<String> = ["nodes", "expect", "chains", "discover", "headers_file"]
                for key in entry.keys.sorted() where !clusterKeys.contains(key) {
                    throw LoadError(description: "\(place("clusters.\(name).\(key)")): unknown key '\(key)' in [clusters.\(name)] (known: \(clusterKeys.sorted().joined(separator: ", ")))")
                }
                var cluster = Cluster()
                cluster.nodes = try strings(entry["nodes"], "clusters.\(name).nodes")
                cluster.expect = try number(entry["expect"], "clusters.\(name).expect").map { value in
                    // Int(1e300) would trap: a whole number in range, or a usage error.
                    guard value == value.rounded(), value >= 1, value <= 100_000 else {
                        throw LoadError(description: "\(place("clusters.\(name).expect")): 'clusters.\(name).expect' must be a whole number between 1 and 100000")
                    }
                    return Int(value)
                }
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
