import ArgumentParser
import Foundation
import LassoClient
import LassoCore

/// Where the nodes come from and how to poll them; shared by the TUI, `snapshot` and `check`.
struct SourceOptions: ParsableArguments {
    @Option(name: .customLong("node"), help: "A node to watch: URL or NAME=URL (repeatable).")
    var nodes: [String] = []

    @Option(name: .customLong("nodes-file"), help: "File with one [NAME=]URL per line (# comments).")
    var nodesFile: String?

    @Option(help: "Resolve HOST's A/AAAA records every health interval and watch each address on PORT (HOST:PORT).")
    var discover: String?

    @Option(help: "A named cluster from the config file.")
    var cluster: String?

    @Option(help: "Expected cluster size (coverage total is at least N).")
    var expect: Int?

    @Option(name: .customLong("chain"), help: "Chain to watch (repeatable; default: every chain /api/chains lists).")
    var chains: [String] = []

    @Option(name: .customLong("header"), help: "Extra request header 'Name: value' (repeatable). Prefer LASSOTOP_HEADERS or --headers-file for secrets.")
    var headers: [String] = []

    @Option(name: .customLong("headers-file"), help: "File with one 'Name: value' header per line.")
    var headersFile: String?

    @Option(help: "PEM file with extra CA certificates for https nodes.")
    var cacert: String?

    @Flag(help: "Disable TLS certificate verification (shows a warning).")
    var insecure = false

    @Option(name: .customLong("health-interval"), help: "Seconds between health polls (default 2).")
    var healthInterval: Double?

    @Option(name: .customLong("metrics-interval"), help: "Seconds between metrics polls per chain (default 15).")
    var metricsInterval: Double?

    @Option(help: "Request timeout in seconds, connect and total (default 5).")
    var timeout: Double?

    @Option(name: .customLong("max-body"), help: "Largest accepted response body in MiB (default 8).")
    var maxBodyMiB: Int = 8

    @Option(name: .customLong("min-calls"), help: "Nodes with fewer calls are left out of weighted averages (default 10).")
    var minCalls: Int = 10

    @Option(name: .customLong("events-from"), help: "Also read JSON-lines events from PATH (tail -f) or - (stdin).")
    var eventsFrom: String?

    @Option(help: "Config file (default $XDG_CONFIG_HOME/lassotop/config.toml).")
    var config: String?

    @Option(name: .customLong("demo-nodes"), help: "Nodes of the embedded demo cluster used when no node is configured.")
    var demoNodes: Int = 3

    @Option(name: .customLong("demo-seed"), help: "Seed of the embedded demo cluster.")
    var demoSeed: UInt64 = 42

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    func loadConfigFile() throws -> ConfigFile {
        // The default file is optional; a file named with --config must exist.
        if let config, !FileManager.default.fileExists(atPath: config) { throw ValidationError("--config: no such file \(config)") }
        let path = config ?? ConfigFile.configDirectory(environment: environment) + "/config.toml"
        do { return try ConfigFile.load(path: path) } catch { throw ValidationError("\(error)") }
    }

    /// Resolves nodes and polling settings. `demoTargets` fills in when nothing is configured.
    func monitorConfig(file: ConfigFile, demoTargets: [NodeTarget]? = nil) throws -> MonitorConfig {
        var targets: [NodeTarget] = []
        var discoverText = discover
        var expectCount = expect
        var chainList = chains
        var headersFilePath = headersFile
        var clusterName: String?
        let clusterKey = cluster ?? ((nodes.isEmpty && nodesFile == nil && discover == nil) ? file.defaultCluster : nil)
        if let key = clusterKey {
            guard let entry = file.clusters[key] else {
                throw ValidationError("unknown cluster '\(key)' (config has: \(file.clusters.keys.sorted().joined(separator: ", ")))")
            }
            clusterName = key
            do { targets += try entry.nodes.map { spec throws(NodeTarget.ParseError) in try NodeTarget.parse(spec) } } catch {
                throw ValidationError("cluster \(key): \(error)")
            }
            discoverText = discoverText ?? entry.discover
            expectCount = expectCount ?? entry.expect
            if chainList.isEmpty { chainList = entry.chains }
            headersFilePath = headersFilePath ?? entry.headersFile.map { ($0 as NSString).expandingTildeInPath }
        }
        do {
            targets += try nodes.map { spec throws(NodeTarget.ParseError) in try NodeTarget.parse(spec) }
            if let path = nodesFile {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw ValidationError("cannot read nodes file \(path)")
                }
                targets += try NodeTarget.parseFile(contents: text, path: path)
            }
        } catch let error as NodeTarget.ParseError {
            throw ValidationError(error.message)
        }
        let discovery = try discoverText.map { text -> DiscoverySpec in
            do { return try DiscoverySpec.parse(text) } catch { throw ValidationError("\(error)") }
        }
        var isDemo = false
        if targets.isEmpty && discovery == nil {
            guard let demoTargets else { throw ValidationError("no nodes configured: use --node, --nodes-file, --discover or --cluster") }
            targets = demoTargets
            isDemo = true
        }
        if let expectCount, expectCount < 1 { throw ValidationError("--expect must be at least 1") }
        let headerList: [(name: String, value: String)]
        do { headerList = try HeaderSource.collect(arguments: headers, environment: environment, file: headersFilePath) } catch {
            throw ValidationError("\(error)")
        }
        let health = healthInterval ?? file.healthIntervalSeconds ?? 2
        let metrics = metricsInterval ?? file.metricsIntervalSeconds ?? 15
        let timeoutSeconds = timeout ?? file.timeoutSeconds ?? 5
        guard health >= 0.5, health <= 60 else { throw ValidationError("--health-interval must be between 0.5 and 60 seconds") }
        guard metrics >= 1, metrics <= 3600 else { throw ValidationError("--metrics-interval must be between 1 and 3600 seconds") }
        guard timeoutSeconds > 0, timeoutSeconds <= 120 else { throw ValidationError("--timeout must be between 0 and 120 seconds") }
        guard maxBodyMiB >= 1 else { throw ValidationError("--max-body must be at least 1 MiB") }
        if let cacert, !FileManager.default.fileExists(atPath: cacert) { throw ValidationError("--cacert: no such file \(cacert)") }
        let alerts: AlertConfig
        do { alerts = try AlertConfig.applying(overrides: file.alertOverrides) } catch { throw ValidationError("config [alerts]: \(error)") }
        return MonitorConfig(
            targets: NodeTarget.uniqued(targets), discovery: discovery, expected: expectCount, chains: chainList,
            healthIntervalMs: Int64(health * 1000), metricsIntervalMs: Int64(metrics * 1000),
            http: HTTPOptions(timeout: .milliseconds(Int64(timeoutSeconds * 1000)), maxBodyBytes: maxBodyMiB << 20,
                              headers: headerList, caCertPath: cacert, insecure: insecure),
            clusterName: clusterName, isDemo: isDemo, aggregation: AggregationOptions(minCalls: minCalls), alerts: alerts)
    }

    var wantsDemo: Bool {
        nodes.isEmpty && nodesFile == nil && discover == nil && cluster == nil
    }
}
